package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Lag returns, for each partition of topic, how many records the group has
// not committed yet (end offset minus committed offset; the whole
// partition when nothing is committed).
func (b *Broker) Lag(t testing.TB, group, topic string) map[int32]int64 {
	t.Helper()
	lag, err := b.lag(group, topic)
	if err != nil {
		t.Fatal(err)
	}
	return lag
}

func (b *Broker) lag(group, topic string) (map[int32]int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	cl, _, err := newAdmin(b)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ends, err := cl.ListEndOffsets(ctx, topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("listing end offsets of %s: %w", topic, err)
	}
	commits, err := cl.FetchOffsetsForTopics(ctx, group, topic)
	if err == nil {
		err = commits.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("fetching %s's committed offsets: %w", group, err)
	}
	lag := map[int32]int64{}
	for _, o := range ends[topic] {
		committed := int64(0)
		if c, ok := commits.Lookup(topic, o.Partition); ok && c.At >= 0 {
			committed = c.At
		}
		lag[o.Partition] = o.Offset - committed
	}
	return lag, nil
}

// WaitCaughtUp waits until group has committed the end offset of every
// partition of topic: every record in it has been processed, its outputs
// acknowledged (or, in exactly-once mode, committed with them). Stop
// producing first, or the end keeps moving. timeout only bounds a hang.
func (b *Broker) WaitCaughtUp(t testing.TB, group, topic string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var lag map[int32]int64
	for {
		var err error
		lag, err = b.lag(group, topic)
		if err != nil {
			t.Fatal(err)
		}
		total := int64(0)
		for _, n := range lag {
			total += n
		}
		if total == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("group %s still has %d records of %s uncommitted after %s (per partition: %v)", group, total, topic, timeout, lag)
		}
		time.Sleep(250 * time.Millisecond) // polling the broker; nothing to be notified by
	}
}

// Dynamic group configs of KIP-848 consumer groups (Kafka 4.0+).
const (
	groupSessionTimeout   = "consumer.session.timeout.ms"
	groupHeartbeatTimeout = "consumer.heartbeat.interval.ms"
)

// SetConsumerGroupSession sets a KIP-848 ("consumer" protocol) group's
// session timeout and heartbeat interval through the group's dynamic
// config. It may be set before the group exists. The broker bounds both
// (group.consumer.min.session.timeout.ms and friends).
//
// Tests that SIGKILL members use it: a killed member keeps its partitions
// until its session times out, and with the broker's default every crash
// would cost that long before the restarted process gets to work. The
// classic protocol's session timeout is chosen by the client, which
// oktadetect does not expose, so only consumer groups can be shortened.
func (b *Broker) SetConsumerGroupSession(t testing.TB, group string, session, heartbeat time.Duration) {
	t.Helper()
	cl, kcl, err := newAdmin(b)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	res := kmsg.NewIncrementalAlterConfigsRequestResource()
	res.ResourceType = kmsg.ConfigResourceTypeGroupConfig
	res.ResourceName = group
	for name, d := range map[string]time.Duration{groupSessionTimeout: session, groupHeartbeatTimeout: heartbeat} {
		c := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		c.Name = name
		c.Op = kmsg.IncrementalAlterConfigOpSet
		c.Value = kmsg.StringPtr(strconv.FormatInt(d.Milliseconds(), 10))
		res.Configs = append(res.Configs, c)
	}
	req.Resources = append(req.Resources, res)
	resp, err := req.RequestWith(ctx, kcl)
	if err != nil {
		t.Fatalf("setting group %s's session timeout: %v", group, err)
	}
	for _, r := range resp.Resources {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			msg := ""
			if r.ErrorMessage != nil {
				msg = ": " + *r.ErrorMessage
			}
			t.Fatalf("setting group %s's session timeout: %v%s", group, err, msg)
		}
	}
}

// HoldGroup joins a classic consumer group as a member that then goes
// silent, and returns a function that makes it leave. While it is in the
// group, no other member can complete a join: the coordinator waits for
// every known member to rejoin (up to the member's 60s session timeout)
// before it assigns anything. Tests use it to observe a detector that is
// running but not yet assigned. The member offers the cooperative-sticky
// protocol for topic, like oktadetect's classic members; it leaves when
// the test ends if release was not called.
func (b *Broker) HoldGroup(t testing.TB, group, topic string) (release func()) {
	t.Helper()
	_, cl, err := newAdmin(b)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()

	meta := kmsg.NewConsumerMemberMetadata()
	meta.Version = 1
	meta.Topics = []string{topic}
	proto := kmsg.NewJoinGroupRequestProtocol()
	proto.Name = "cooperative-sticky"
	proto.Metadata = meta.AppendTo(nil)
	join := kmsg.NewPtrJoinGroupRequest()
	join.Group = group
	join.SessionTimeoutMillis = 60_000
	join.RebalanceTimeoutMillis = 60_000
	join.ProtocolType = "consumer"
	join.Protocols = []kmsg.JoinGroupRequestProtocol{proto}
	var joined *kmsg.JoinGroupResponse
	for range 2 { // the first join only hands out a member id (KIP-394)
		resp, err := join.RequestWith(ctx, cl)
		if err != nil {
			cl.Close()
			t.Fatalf("joining group %s to hold it: %v", group, err)
		}
		if kerr.ErrorForCode(resp.ErrorCode) == kerr.MemberIDRequired {
			join.MemberID = resp.MemberID
			continue
		}
		if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
			cl.Close()
			t.Fatalf("joining group %s to hold it: %v", group, err)
		}
		joined = resp
		break
	}
	if joined == nil {
		cl.Close()
		t.Fatalf("joining group %s to hold it: no member id", group)
	}

	assignment := kmsg.NewConsumerMemberAssignment()
	sa := kmsg.NewSyncGroupRequestGroupAssignment()
	sa.MemberID = joined.MemberID
	sa.MemberAssignment = assignment.AppendTo(nil)
	sync := kmsg.NewPtrSyncGroupRequest()
	sync.Group = group
	sync.Generation = joined.Generation
	sync.MemberID = joined.MemberID
	sync.ProtocolType = kmsg.StringPtr("consumer")
	sync.Protocol = kmsg.StringPtr(proto.Name)
	sync.GroupAssignment = []kmsg.SyncGroupRequestGroupAssignment{sa}
	sresp, err := sync.RequestWith(ctx, cl)
	if err == nil {
		err = kerr.ErrorForCode(sresp.ErrorCode)
	}
	if err != nil {
		cl.Close()
		t.Fatalf("syncing group %s to hold it: %v", group, err)
	}

	released := false
	release = func() {
		if released {
			return
		}
		released = true
		defer cl.Close()
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		leave := kmsg.NewPtrLeaveGroupRequest()
		leave.Group = group
		m := kmsg.NewLeaveGroupRequestMember()
		m.MemberID = joined.MemberID
		leave.Members = []kmsg.LeaveGroupRequestMember{m}
		resp, err := leave.RequestWith(ctx, cl)
		if err == nil {
			err = kerr.ErrorForCode(resp.ErrorCode)
		}
		if err != nil {
			t.Errorf("leaving group %s: %v", group, err)
		}
	}
	t.Cleanup(release)
	return release
}
