package deploy_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// kafkaImage is the pinned Kafka image of compose.yaml.
const kafkaImage = "apache/kafka:4.4.0"

// composeFile is the part of the Compose specification the tests read.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
}

type composeService struct {
	Image string `yaml:"image"`
	Build *struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	} `yaml:"build"`
	Command     []string                     `yaml:"command"`
	Environment map[string]string            `yaml:"environment"`
	Ports       []string                     `yaml:"ports"`
	DependsOn   map[string]composeDependency `yaml:"depends_on"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	Restart string `yaml:"restart"`
}

type composeDependency struct {
	Condition string `yaml:"condition"`
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return c
}

func service(t *testing.T, c composeFile, name string) composeService {
	t.Helper()
	s, ok := c.Services[name]
	if !ok {
		t.Fatalf("compose.yaml has no service %q", name)
	}
	return s
}

// flagValue returns the argument after flag in argv.
func flagValue(argv []string, flag string) (string, bool) {
	i := slices.Index(argv, flag)
	if i < 0 || i+1 >= len(argv) {
		return "", false
	}
	return argv[i+1], true
}

func TestComposeServices(t *testing.T) {
	c := loadCompose(t)

	kafka := service(t, c, "kafka")
	if kafka.Image != kafkaImage {
		t.Errorf("kafka image %q, want %q", kafka.Image, kafkaImage)
	}
	if kafka.Healthcheck == nil || len(kafka.Healthcheck.Test) == 0 {
		t.Error("kafka has no healthcheck: dependents would start against a broker that is not up")
	}
	if got := kafka.Environment["KAFKA_PROCESS_ROLES"]; got != "broker,controller" {
		t.Errorf("KAFKA_PROCESS_ROLES = %q, want a single KRaft node (broker,controller)", got)
	}
	if !strings.Contains(kafka.Environment["KAFKA_ADVERTISED_LISTENERS"], "//kafka:9092") {
		t.Errorf("KAFKA_ADVERTISED_LISTENERS = %q, want kafka:9092 for the other services", kafka.Environment["KAFKA_ADVERTISED_LISTENERS"])
	}

	kafkaInit := service(t, c, "kafka-init")
	if kafkaInit.DependsOn["kafka"].Condition != "service_healthy" {
		t.Errorf("kafka-init depends_on kafka %+v, want condition service_healthy", kafkaInit.DependsOn["kafka"])
	}
	if kafkaInit.Restart != "no" {
		t.Errorf(`kafka-init restart %q, want "no" (one-shot)`, kafkaInit.Restart)
	}
	initScript := strings.Join(kafkaInit.Command, "\n")

	det := service(t, c, "oktadetect")
	if det.Build == nil {
		t.Fatal("oktadetect is not built from the repository")
	}
	dockerfile := filepath.Join(det.Build.Context, det.Build.Dockerfile)
	if filepath.Clean(dockerfile) != filepath.Join("..", "deploy", "Dockerfile") {
		t.Errorf("oktadetect builds %s, want ../deploy/Dockerfile (context = repository root)", dockerfile)
	}
	if _, err := os.Stat(dockerfile); err != nil {
		t.Errorf("oktadetect build: %v", err)
	}
	if len(det.Command) == 0 || det.Command[0] != "run" {
		t.Errorf("oktadetect command %q, want `run ...`", det.Command)
	}
	if addr, _ := flagValue(det.Command, "--http-addr"); addr != ":8080" {
		t.Errorf("oktadetect --http-addr %q, want :8080", addr)
	}
	if brokers, _ := flagValue(det.Command, "--brokers"); brokers != "kafka:9092" {
		t.Errorf("oktadetect --brokers %q, want kafka:9092", brokers)
	}
	if !slices.Contains(det.Ports, "127.0.0.1:8080:8080") {
		t.Errorf("oktadetect ports %q, want 127.0.0.1:8080:8080 (metrics and probes on the host only)", det.Ports)
	}
	if det.DependsOn["kafka-init"].Condition != "service_completed_successfully" {
		t.Errorf("oktadetect depends_on kafka-init %+v, want service_completed_successfully (topics exist)", det.DependsOn["kafka-init"])
	}
	for _, flag := range []string{"--topics", "--alerts-topic", "--dead-letter-topic"} {
		topic, ok := flagValue(det.Command, flag)
		if !ok || !strings.Contains(initScript, topic+":") {
			t.Errorf("oktadetect %s %q: kafka-init does not create it", flag, topic)
		}
	}

	prod := service(t, c, "producer")
	want := []string{"demo", "--brokers", "kafka:9092", "--produce-only", "--topic", "okta-system"}
	if !slices.Equal(prod.Command, want) {
		t.Errorf("producer command %q, want %q", prod.Command, want)
	}
	if prod.Image != det.Image {
		t.Errorf("producer image %q, want the detector's image %q", prod.Image, det.Image)
	}
	if topics, _ := flagValue(det.Command, "--topics"); topics != "okta-system" {
		t.Errorf("the detector reads %q but the producer writes okta-system", topics)
	}
	if prod.DependsOn["kafka-init"].Condition != "service_completed_successfully" {
		t.Errorf("producer depends_on kafka-init %+v, want service_completed_successfully", prod.DependsOn["kafka-init"])
	}

	valid := []string{"service_started", "service_healthy", "service_completed_successfully"}
	for name, s := range c.Services {
		for dep, d := range s.DependsOn {
			if _, ok := c.Services[dep]; !ok {
				t.Errorf("%s depends on unknown service %q", name, dep)
			}
			if !slices.Contains(valid, d.Condition) {
				t.Errorf("%s depends on %s with condition %q", name, dep, d.Condition)
			}
			if d.Condition == "service_healthy" && c.Services[dep].Healthcheck == nil {
				t.Errorf("%s waits for %s to be healthy, but %s has no healthcheck", name, dep, dep)
			}
		}
	}
}
