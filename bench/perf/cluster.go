package perf

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// reachTimeout bounds the first contact with the brokers.
const reachTimeout = 15 * time.Second

// cluster is the Kafka the run measures against, and an admin client.
type cluster struct {
	brokers []string
	fake    *kfake.Cluster // the embedded cluster, if any
	admCl   *kgo.Client
	adm     *kadm.Client
}

// connect starts the embedded cluster or checks the given brokers answer.
func connect(ctx context.Context, brokers []string, embedded bool) (*cluster, error) {
	c := &cluster{brokers: brokers}
	if len(brokers) == 0 && embedded {
		fake, err := kfake.NewCluster(kfake.NumBrokers(1))
		if err != nil {
			return nil, fmt.Errorf("starting the embedded Kafka: %w", err)
		}
		c.fake, c.brokers = fake, fake.ListenAddrs()
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.brokers...), kgo.ClientID("oktadetect-bench"))
	if err != nil {
		c.close()
		return nil, fmt.Errorf("connecting to %s: %w", strings.Join(c.brokers, ","), err)
	}
	c.admCl, c.adm = cl, kadm.NewClient(cl)
	rctx, cancel := context.WithTimeout(ctx, reachTimeout)
	defer cancel()
	if _, err := c.adm.BrokerMetadata(rctx); err != nil {
		c.close()
		return nil, fmt.Errorf("cannot reach Kafka at %s: %w", strings.Join(c.brokers, ","), err)
	}
	return c, nil
}

func (c *cluster) close() {
	if c.admCl != nil {
		c.admCl.Close()
	}
	if c.fake != nil {
		c.fake.Close()
	}
}

// createTopic creates a topic with the broker's default replication
// factor.
func (c *cluster) createTopic(ctx context.Context, name string, partitions int) error {
	resp, err := c.adm.CreateTopic(ctx, int32(partitions), -1, nil, name)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		return fmt.Errorf("creating topic %s: %w", name, err)
	}
	return nil
}

// settled reports whether group has procs members and every member that
// can hold a partition holds one: the rebalances that follow several
// processes joining are over.
func (c *cluster) settled(ctx context.Context, group string, procs, partitions int) bool {
	dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	described, err := c.adm.DescribeGroups(dctx, group)
	if err != nil {
		return false
	}
	g, ok := described[group]
	return ok && g.Err == nil && groupSettled(g, procs, partitions)
}

// memberPartitions lists how many partitions each member of g holds, or
// nil if an assignment is not a consumer's.
func memberPartitions(g kadm.DescribedGroup) []int {
	out := make([]int, 0, len(g.Members))
	for _, m := range g.Members {
		a, ok := m.Assigned.AsConsumer()
		if !ok {
			return nil
		}
		n := 0
		for _, t := range a.Topics {
			n += len(t.Partitions)
		}
		out = append(out, n)
	}
	return out
}

func groupSettled(g kadm.DescribedGroup, procs, partitions int) bool {
	return settledAssignment(g.State, memberPartitions(g), procs, partitions)
}

// settledAssignment reports whether a group in state, whose members hold
// held partitions each, is what procs processes sharing partitions end up
// with: all of them in the group, stable, every partition assigned, and
// every member that can get a partition holding one. With cooperative
// rebalancing the group passes through stable states where a newcomer
// holds nothing yet; those do not count.
func settledAssignment(state string, held []int, procs, partitions int) bool {
	if state != "Stable" || len(held) != procs {
		return false
	}
	holding, assigned := 0, 0
	for _, n := range held {
		if n > 0 {
			holding++
		}
		assigned += n
	}
	return holding == min(procs, partitions) && assigned == partitions
}

// cleanup deletes the topics whose names start with prefix and the
// groups. It gets its own deadline: it runs after an interrupt too.
func (c *cluster) cleanup(prefix string, groups []string) error {
	if c.fake != nil {
		return nil // the whole cluster goes away
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	if len(groups) > 0 {
		resps, err := c.adm.DeleteGroups(ctx, groups...)
		if err != nil {
			errs = append(errs, fmt.Errorf("deleting groups: %w", err))
		}
		for _, r := range resps {
			if r.Err != nil && !errors.Is(r.Err, kerr.GroupIDNotFound) {
				errs = append(errs, fmt.Errorf("deleting group %s: %w", r.Group, r.Err))
			}
		}
	}
	topics, err := c.adm.ListTopics(ctx)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("listing topics to delete: %w", err))...)
	}
	var mine []string
	for _, t := range topics.Names() {
		if strings.HasPrefix(t, prefix) {
			mine = append(mine, t)
		}
	}
	if len(mine) > 0 {
		resps, err := c.adm.DeleteTopics(ctx, mine...)
		if err != nil {
			errs = append(errs, fmt.Errorf("deleting topics: %w", err))
		}
		for _, r := range resps {
			if r.Err != nil {
				errs = append(errs, fmt.Errorf("deleting topic %s: %w", r.Topic, r.Err))
			}
		}
	}
	return errors.Join(errs...)
}

// brokerInfo describes the cluster for the report. The version comes from
// KAFKA_VERSION when set (deploy/dev/kafka env exports it), otherwise from
// franz-go's guess from the API versions the broker supports.
func (c *cluster) brokerInfo(ctx context.Context) Broker {
	b := Broker{Addresses: c.brokers, Loopback: allLoopback(c.brokers)}
	if c.fake != nil {
		b.Version, b.VersionSource = "kfake "+moduleVersion("github.com/twmb/franz-go/pkg/kfake"), "embedded"
		b.Count = 1
		return b
	}
	ictx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if md, err := c.adm.BrokerMetadata(ictx); err == nil {
		b.Count, b.ClusterID = len(md.Brokers), md.Cluster
	}
	if v := os.Getenv("KAFKA_VERSION"); v != "" {
		b.Version, b.VersionSource = "Apache Kafka "+v, "KAFKA_VERSION"
		return b
	}
	if vs, err := c.adm.ApiVersions(ictx); err == nil {
		for _, v := range vs.Sorted() {
			if v.Err == nil {
				b.Version, b.VersionSource = "Kafka "+v.VersionGuess(), "ApiVersions (franz-go's guess)"
				break
			}
		}
	}
	return b
}

// allLoopback reports whether every address names this machine.
func allLoopback(addrs []string) bool {
	for _, a := range addrs {
		host, _, err := net.SplitHostPort(a)
		if err != nil {
			host = a
		}
		if host == "localhost" {
			continue
		}
		ip := net.ParseIP(host)
		if ip == nil || !ip.IsLoopback() {
			return false
		}
	}
	return len(addrs) > 0
}

// moduleVersion is the version of a module linked into this binary.
func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		if i := slices.IndexFunc(bi.Deps, func(m *debug.Module) bool { return m.Path == path }); i >= 0 {
			return bi.Deps[i].Version
		}
	}
	return "(unknown version)"
}
