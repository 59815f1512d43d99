package deploy_test

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/yannh/kubeconform/pkg/resource"
	"github.com/yannh/kubeconform/pkg/validator"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// partitionsAnnotation records the input topic's partition count on the
// ScaledObject, where the tests (and a reviewer) can compare it with
// maxReplicaCount.
const partitionsAnnotation = "oktadetect/input-partitions"

// newValidator returns a strict kubeconform validator that reads only the
// schemas vendored under testdata/schemas: nothing is fetched.
func newValidator(t *testing.T) validator.Validator {
	t.Helper()
	schemas, err := filepath.Abs(filepath.Join("testdata", "schemas"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := validator.New([]string{
		filepath.Join(schemas, "kubernetes", "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
		filepath.Join(schemas, "crds", "{{ .Group }}", "{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"),
	}, validator.Opts{Strict: true, KubernetesVersion: "1.33.0"})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var kustomizations = []string{baseDir, exampleDir}

func TestKustomizationsBuildValidObjects(t *testing.T) {
	v := newValidator(t)
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) {
			objs := buildOnDisk(t, dir)
			kinds := map[string]int{}
			for _, o := range objs {
				kinds[o.Kind]++
				res := v.ValidateResource(resource.Resource{Path: dir, Bytes: o.YAML})
				if res.Status != validator.Valid {
					t.Errorf("%s %s: status %d: %v", o.Kind, o.Name, res.Status, res.Err)
					for _, ve := range res.ValidationErrors {
						t.Errorf("  %s: %s", ve.Path, ve.Msg)
					}
				}
			}
			want := map[string]int{
				"ServiceAccount": 1, "ConfigMap": 2, "Service": 1, "Deployment": 1,
				"PodDisruptionBudget": 1, "ScaledObject": 1, "TriggerAuthentication": 1,
			}
			for kind, n := range want {
				if kinds[kind] != n {
					t.Errorf("%d %s objects, want %d", kinds[kind], kind, n)
				}
			}
			for kind := range kinds {
				if _, ok := want[kind]; !ok {
					t.Errorf("unexpected %s in the build", kind)
				}
			}
		})
	}
}

// TestValidatorRejectsInvalidObjects makes sure the validation above can
// fail: the vendored schemas are found and strict mode is on.
func TestValidatorRejectsInvalidObjects(t *testing.T) {
	v := newValidator(t)
	tests := []struct {
		name string
		yaml string
	}{
		{"unknown field", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x}\nautomountToken: false\n"},
		{"wrong type", "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: x}\nspec: {maxUnavailable: [1]}\n"},
		{"unknown KEDA field", "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: x}\n" +
			"spec: {scaleTargetRef: {name: x}, maxReplicas: 3, triggers: [{type: kafka, metadata: {}}]}\n"},
		{"KEDA metadata must be strings", "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: x}\n" +
			"spec: {scaleTargetRef: {name: x}, triggers: [{type: kafka, metadata: {allowIdleConsumers: false}}]}\n"},
		{"no schema", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := v.ValidateResource(resource.Resource{Path: tt.name, Bytes: []byte(tt.yaml)})
			if res.Status == validator.Valid {
				t.Errorf("accepted:\n%s", tt.yaml)
			}
		})
	}
}

// detector is the Deployment of a build with the objects it refers to.
type detector struct {
	objs       []object
	deployment deploymentObject
	container  container
	config     configMapObject
}

func loadDetector(t *testing.T, objs []object) detector {
	t.Helper()
	d := detector{objs: objs}
	decode(t, only(t, objs, "Deployment"), &d.deployment)
	cs := d.deployment.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("%d containers, want 1", len(cs))
	}
	d.container = cs[0]
	if len(d.container.EnvFrom) != 1 || d.container.EnvFrom[0].ConfigMapRef == nil {
		t.Fatalf("envFrom %s, want the config ConfigMap", asYAML(d.container.EnvFrom))
	}
	name := d.container.EnvFrom[0].ConfigMapRef.Name
	cm, ok := named(objs, "ConfigMap", name)
	if !ok {
		t.Fatalf("envFrom refers to ConfigMap %q, which the build does not contain", name)
	}
	decode(t, cm, &d.config)
	return d
}

func (d detector) env(name string) (envVar, bool) {
	i := slices.IndexFunc(d.container.Env, func(e envVar) bool { return e.Name == name })
	if i < 0 {
		return envVar{}, false
	}
	return d.container.Env[i], true
}

func TestDeploymentIsHardened(t *testing.T) {
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) {
			d := loadDetector(t, buildOnDisk(t, dir))
			pod := d.deployment.Spec.Template.Spec
			sc := d.container.SecurityContext

			isTrue := func(what string, b *bool) {
				t.Helper()
				if b == nil || !*b {
					t.Errorf("%s is not true", what)
				}
			}
			isFalse := func(what string, b *bool) {
				t.Helper()
				if b == nil || *b {
					t.Errorf("%s is not explicitly false", what)
				}
			}
			isTrue("pod runAsNonRoot", pod.SecurityContext.RunAsNonRoot)
			isTrue("container runAsNonRoot", sc.RunAsNonRoot)
			isTrue("readOnlyRootFilesystem", sc.ReadOnlyRootFilesystem)
			isFalse("allowPrivilegeEscalation", sc.AllowPrivilegeEscalation)
			isFalse("pod automountServiceAccountToken", pod.AutomountServiceAccountToken)
			// Service links would put OKTADETECT_SERVICE_HOST and the like
			// among the detector's OKTADETECT_* settings.
			isFalse("enableServiceLinks", pod.EnableServiceLinks)
			for what, uid := range map[string]*int64{"pod runAsUser": pod.SecurityContext.RunAsUser, "container runAsUser": sc.RunAsUser} {
				if uid == nil || *uid != 65532 {
					t.Errorf("%s = %s, want 65532 (distroless nonroot)", what, show(uid))
				}
			}
			if !slices.Equal(sc.Capabilities.Drop, []string{"ALL"}) || len(sc.Capabilities.Add) > 0 {
				t.Errorf("capabilities drop %q add %q, want drop [ALL] and nothing added", sc.Capabilities.Drop, sc.Capabilities.Add)
			}
			if sc.SeccompProfile.Type != "RuntimeDefault" && pod.SecurityContext.SeccompProfile.Type != "RuntimeDefault" {
				t.Error("no RuntimeDefault seccomp profile")
			}
			// The detector's shutdown bound (--shutdown-timeout) is 30s.
			if g := pod.TerminationGracePeriodSeconds; g == nil || *g <= 30 {
				t.Errorf("terminationGracePeriodSeconds = %s, want > 30 (the app's shutdown timeout)", show(g))
			}
			for _, res := range []string{"cpu", "memory"} {
				if d.container.Resources.Requests[res] == "" || d.container.Resources.Limits[res] == "" {
					t.Errorf("%s: requests %q, limits %q: both must be set", res, d.container.Resources.Requests[res], d.container.Resources.Limits[res])
				}
			}
			if d.deployment.Spec.Replicas != nil {
				t.Errorf("replicas = %d: leave it to the ScaledObject", *d.deployment.Spec.Replicas)
			}

			sa, ok := named(d.objs, "ServiceAccount", pod.ServiceAccountName)
			if !ok {
				t.Fatalf("serviceAccountName %q is not in the build", pod.ServiceAccountName)
			}
			var saObj serviceAccountObject
			decode(t, sa, &saObj)
			isFalse("ServiceAccount automountServiceAccountToken", saObj.AutomountServiceAccountToken)
		})
	}
}

func TestDeploymentWiring(t *testing.T) {
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) {
			d := loadDetector(t, buildOnDisk(t, dir))
			c := d.container

			if !slices.Equal(c.Args, []string{"run"}) {
				t.Errorf("args %q, want [run]", c.Args)
			}
			if len(c.Ports) != 1 || c.Ports[0].Name != "http" || c.Ports[0].ContainerPort != 8080 {
				t.Errorf("ports %+v, want one port 8080 named http", c.Ports)
			}
			if e, _ := d.env("OKTADETECT_HTTP_ADDR"); e.Value != ":8080" {
				t.Errorf("OKTADETECT_HTTP_ADDR = %q, want :8080 (the container port)", e.Value)
			}
			for _, p := range []struct {
				name  string
				probe *probe
				path  string
			}{{"liveness", c.LivenessProbe, "/healthz"}, {"readiness", c.ReadinessProbe, "/readyz"}} {
				if p.probe == nil || p.probe.HTTPGet == nil {
					t.Errorf("%s probe is not an HTTP GET", p.name)
				} else if g := p.probe.HTTPGet; g.Path != p.path || g.Port != "http" {
					t.Errorf("%s probe GET %s on port %s, want GET %s on port http", p.name, g.Path, g.Port, p.path)
				}
			}

			// Every *_FILE and the rules directory must be inside a mount.
			mountOf := func(p string) (string, bool) {
				for _, m := range c.VolumeMounts {
					if p == m.MountPath || strings.HasPrefix(p, strings.TrimSuffix(m.MountPath, "/")+"/") {
						return m.Name, m.ReadOnly
					}
				}
				return "", false
			}
			for _, name := range []string{"OKTADETECT_TLS_CA_FILE", "OKTADETECT_SASL_PASSWORD_FILE"} {
				e, ok := d.env(name)
				if !ok {
					t.Errorf("%s is not set", name)
					continue
				}
				if vol, readOnly := mountOf(e.Value); vol == "" || !readOnly {
					t.Errorf("%s = %q is not under a read-only volume mount", name, e.Value)
				}
			}
			// The rules: the built-in one plus the mounted ConfigMap.
			if e, _ := d.env("OKTADETECT_RULES"); e.Value != "builtin,/etc/oktadetect/rules" {
				t.Errorf("OKTADETECT_RULES = %q, want builtin,/etc/oktadetect/rules", e.Value)
			} else if vol, readOnly := mountOf("/etc/oktadetect/rules"); vol == "" || !readOnly {
				t.Errorf("the rules directory is not under a read-only volume mount")
			}
			for _, name := range []string{"OKTADETECT_TLS_CERT_FILE", "OKTADETECT_TLS_KEY_FILE"} {
				if e, ok := d.env(name); ok {
					if vol, _ := mountOf(e.Value); vol == "" {
						t.Errorf("%s = %q is not under a volume mount", name, e.Value)
					}
				}
			}

			// Volumes refer to objects of the build (ConfigMaps) or to the
			// Kafka Secrets, which are created outside kustomize.
			secrets := map[string]bool{}
			for _, v := range d.deployment.Spec.Template.Spec.Volumes {
				switch {
				case v.ConfigMap != nil:
					cm, ok := named(d.objs, "ConfigMap", v.ConfigMap.Name)
					if !ok {
						t.Errorf("volume %s: ConfigMap %q is not in the build", v.Name, v.ConfigMap.Name)
						continue
					}
					if v.Name == "rules" {
						var rules configMapObject
						decode(t, cm, &rules)
						if len(rules.Data) == 0 {
							t.Error("the rules ConfigMap is empty")
						}
						for file := range rules.Data {
							if path.Ext(file) != ".toml" {
								t.Errorf("rules ConfigMap has %q, want only .toml rule files", file)
							}
						}
					}
				case v.Secret != nil:
					secrets[v.Secret.SecretName] = true
					// Owner and group (fsGroup) only: credentials are not world-readable.
					if m := v.Secret.DefaultMode; m == nil || *m&0o007 != 0 {
						t.Errorf("volume %s: defaultMode %s, want no access for others (e.g. 0440)", v.Name, show(m))
					}
				}
			}
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					secrets[e.ValueFrom.SecretKeyRef.Name] = true
				}
			}

			if e, _ := d.env("OKTADETECT_TRANSACTIONAL_ID"); e.ValueFrom == nil || e.ValueFrom.FieldRef == nil || e.ValueFrom.FieldRef.FieldPath != "metadata.name" {
				t.Errorf("OKTADETECT_TRANSACTIONAL_ID %s, want the pod name (fieldRef metadata.name)", asYAML(e))
			}
			e, _ := d.env("GOMEMLIMIT")
			if e.ValueFrom == nil || e.ValueFrom.ResourceFieldRef == nil || e.ValueFrom.ResourceFieldRef.Resource != "limits.memory" ||
				e.ValueFrom.ResourceFieldRef.ContainerName != c.Name {
				t.Errorf("GOMEMLIMIT %s, want resourceFieldRef limits.memory of container %s", asYAML(e), c.Name)
			}
			for _, key := range []string{
				"OKTADETECT_BROKERS", "OKTADETECT_GROUP", "OKTADETECT_TOPICS", "OKTADETECT_ALERTS_TOPIC",
				"OKTADETECT_DEAD_LETTER_TOPIC", "OKTADETECT_DEDUPE_SIZE", "OKTADETECT_LOG_FORMAT",
			} {
				if d.config.Data[key] == "" {
					t.Errorf("config ConfigMap has no %s", key)
				}
			}
			if _, err := strconv.Atoi(d.config.Data["OKTADETECT_DEDUPE_SIZE"]); err != nil {
				t.Errorf("OKTADETECT_DEDUPE_SIZE: %v", err)
			}

			// KEDA must authenticate with the same Secrets the detector uses.
			var auth triggerAuthenticationObject
			decode(t, only(t, d.objs, "TriggerAuthentication"), &auth)
			for _, ref := range auth.Spec.SecretTargetRef {
				if !secrets[ref.Name] {
					t.Errorf("TriggerAuthentication parameter %s reads Secret %q, which the detector does not use (%v)", ref.Parameter, ref.Name, secrets)
				}
			}
		})
	}
}

func TestServiceAndDisruptionBudgetSelectTheDetector(t *testing.T) {
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) {
			objs := buildOnDisk(t, dir)
			d := loadDetector(t, objs)
			podLabels := d.deployment.Spec.Template.Metadata.Labels
			selects := func(what string, selector map[string]string) {
				t.Helper()
				if len(selector) == 0 {
					t.Errorf("%s has an empty selector", what)
				}
				for k, v := range selector {
					if podLabels[k] != v {
						t.Errorf("%s selects %s=%s, pods have %q", what, k, v, podLabels)
					}
				}
			}
			selects("Deployment", d.deployment.Spec.Selector.MatchLabels)

			var svc serviceObject
			decode(t, only(t, objs, "Service"), &svc)
			selects("Service", svc.Spec.Selector)
			if svc.Spec.Type != "ClusterIP" || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Name != "http" || svc.Spec.Ports[0].TargetPort != "http" {
				t.Errorf("Service spec %s, want ClusterIP with one port named http targeting the container port http", asYAML(svc.Spec))
			}

			var pdb pdbObject
			decode(t, only(t, objs, "PodDisruptionBudget"), &pdb)
			selects("PodDisruptionBudget", pdb.Spec.Selector.MatchLabels)
			if pdb.Spec.MaxUnavailable == nil || *pdb.Spec.MaxUnavailable != 1 {
				t.Errorf("PodDisruptionBudget maxUnavailable = %s, want 1", show(pdb.Spec.MaxUnavailable))
			}
		})
	}
}

func TestScaledObject(t *testing.T) {
	for _, dir := range kustomizations {
		t.Run(dir, func(t *testing.T) {
			objs := buildOnDisk(t, dir)
			d := loadDetector(t, objs)
			var so scaledObject
			decode(t, only(t, objs, "ScaledObject"), &so)
			checkKEDAReferences(t, objs)

			partitions, err := strconv.Atoi(so.Metadata.Annotations[partitionsAnnotation])
			if err != nil || partitions < 1 {
				t.Fatalf("annotation %s = %q: want the input topic's partition count", partitionsAnnotation, so.Metadata.Annotations[partitionsAnnotation])
			}
			if so.Spec.MinReplicaCount == nil || *so.Spec.MinReplicaCount < 1 {
				t.Errorf("minReplicaCount = %s, want >= 1 (a detector must always run)", show(so.Spec.MinReplicaCount))
			}
			if so.Spec.MaxReplicaCount == nil || *so.Spec.MaxReplicaCount > partitions {
				t.Errorf("maxReplicaCount = %s, want <= %d partitions (extra consumers sit idle)", show(so.Spec.MaxReplicaCount), partitions)
			}

			if len(so.Spec.Triggers) != 1 || so.Spec.Triggers[0].Type != "kafka" {
				t.Fatalf("triggers %s, want one kafka trigger", asYAML(so.Spec.Triggers))
			}
			md := so.Spec.Triggers[0].Metadata
			for key, want := range map[string]string{
				"offsetResetPolicy":  "earliest", // the detector starts new groups at the earliest offset
				"allowIdleConsumers": "false",
				"bootstrapServers":   d.config.Data["OKTADETECT_BROKERS"],
				"consumerGroup":      d.config.Data["OKTADETECT_GROUP"],
			} {
				if md[key] != want {
					t.Errorf("kafka trigger %s = %q, want %q", key, md[key], want)
				}
			}
			topics := strings.Split(d.config.Data["OKTADETECT_TOPICS"], ",")
			if !slices.Contains(topics, md["topic"]) {
				t.Errorf("kafka trigger topic %q is not one of the detector's topics %q", md["topic"], topics)
			}
			for _, key := range []string{"lagThreshold", "activationLagThreshold"} {
				if n, err := strconv.Atoi(md[key]); err != nil || n < 0 || key == "lagThreshold" && n == 0 {
					t.Errorf("kafka trigger %s = %q, want a positive integer", key, md[key])
				}
			}
			if md["limitToPartitionsWithLag"] == "true" && md["allowIdleConsumers"] == "true" {
				t.Error("KEDA rejects limitToPartitionsWithLag together with allowIdleConsumers")
			}
		})
	}
}

// checkKEDAReferences checks that the ScaledObject scales the Deployment of
// the same build and authenticates with its TriggerAuthentication, whatever
// names kustomize gave them.
func checkKEDAReferences(t *testing.T, objs []object) {
	t.Helper()
	var so scaledObject
	decode(t, only(t, objs, "ScaledObject"), &so)
	dep := only(t, objs, "Deployment")
	if so.Spec.ScaleTargetRef.Name != dep.Name {
		t.Errorf("ScaledObject scaleTargetRef %q, but the Deployment is %q", so.Spec.ScaleTargetRef.Name, dep.Name)
	}
	auth := only(t, objs, "TriggerAuthentication")
	for _, tr := range so.Spec.Triggers {
		if tr.AuthenticationRef == nil || tr.AuthenticationRef.Name != auth.Name {
			t.Errorf("trigger authenticationRef %+v, but the TriggerAuthentication is %q", tr.AuthenticationRef, auth.Name)
		}
	}
}

func TestExampleOverlay(t *testing.T) {
	objs := buildOnDisk(t, exampleDir)
	for _, o := range objs {
		if o.Namespace != "security" {
			t.Errorf("%s %s in namespace %q, want security", o.Kind, o.Name, o.Namespace)
		}
		if !strings.HasPrefix(o.Name, "prod-") {
			t.Errorf("%s %s lacks the overlay's name prefix", o.Kind, o.Name)
		}
	}
	d := loadDetector(t, objs)
	image := d.container.Image
	_, tag, hasTag := strings.Cut(path.Base(image), ":")
	if !strings.Contains(image, "@sha256:") && (!hasTag || tag == "latest") {
		t.Errorf("image %q: want a pinned tag or digest", image)
	}
	if d.config.Data["OKTADETECT_EXACTLY_ONCE"] != "true" {
		t.Errorf("OKTADETECT_EXACTLY_ONCE = %q, want true", d.config.Data["OKTADETECT_EXACTLY_ONCE"])
	}
	var so scaledObject
	decode(t, only(t, objs, "ScaledObject"), &so)
	if got := so.Metadata.Annotations[partitionsAnnotation]; got != "12" {
		t.Errorf("%s = %q, want 12", partitionsAnnotation, got)
	}
	if so.Spec.MaxReplicaCount == nil || *so.Spec.MaxReplicaCount != 12 {
		t.Errorf("maxReplicaCount = %s, want 12 (one pod per partition)", show(so.Spec.MaxReplicaCount))
	}
	md := so.Spec.Triggers[0].Metadata
	if md["sasl"] != "scram_sha512" || md["tls"] != "enable" {
		t.Errorf("kafka trigger sasl=%q tls=%q, want scram_sha512 over TLS", md["sasl"], md["tls"])
	}
	// SCRAM over TLS: no client certificate anywhere.
	for _, name := range []string{"OKTADETECT_TLS_CERT_FILE", "OKTADETECT_TLS_KEY_FILE"} {
		if _, ok := d.env(name); ok {
			t.Errorf("%s is set, but the overlay uses no client certificate", name)
		}
	}
	var auth triggerAuthenticationObject
	decode(t, only(t, objs, "TriggerAuthentication"), &auth)
	var params []string
	for _, ref := range auth.Spec.SecretTargetRef {
		params = append(params, ref.Parameter)
	}
	slices.Sort(params)
	if !slices.Equal(params, []string{"ca", "password", "username"}) {
		t.Errorf("TriggerAuthentication parameters %q, want ca, password, username", params)
	}
}

// TestNamePrefixReachesKEDAReferences builds a throw-away overlay with a name
// prefix and suffix and a generated Kafka Secret, with and without the base's
// kustomizeconfig/keda.yaml. Without it, kustomize renames the Deployment but
// leaves the ScaledObject pointing at the old name: the configuration is what
// keeps overlays correct.
func TestNamePrefixReachesKEDAReferences(t *testing.T) {
	for _, withConfig := range []bool{true, false} {
		t.Run("configurations="+strconv.FormatBool(withConfig), func(t *testing.T) {
			mem := filesys.MakeFsInMemory()
			copyTree(t, baseDir, mem, "/base")
			if !withConfig {
				k, err := mem.ReadFile("/base/kustomization.yaml")
				if err != nil {
					t.Fatal(err)
				}
				stripped := strings.Replace(string(k), "configurations:\n  - kustomizeconfig/keda.yaml\n", "", 1)
				if stripped == string(k) {
					t.Fatal("base kustomization.yaml does not list kustomizeconfig/keda.yaml under configurations")
				}
				if err := mem.WriteFile("/base/kustomization.yaml", []byte(stripped)); err != nil {
					t.Fatal(err)
				}
			}
			overlay := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" +
				"namePrefix: team-\nnameSuffix: -eu\nresources:\n  - ../base\n" +
				"secretGenerator:\n  - name: oktadetect-kafka-sasl\n    literals:\n" +
				"      - mechanism=SCRAM-SHA-512\n      - username=u\n      - password=p\n"
			if err := mem.WriteFile("/overlay/kustomization.yaml", []byte(overlay)); err != nil {
				t.Fatal(err)
			}
			objs := build(t, mem, "/overlay")

			var so scaledObject
			decode(t, only(t, objs, "ScaledObject"), &so)
			dep := only(t, objs, "Deployment")
			if dep.Name != "team-oktadetect-eu" {
				t.Fatalf("Deployment %q, want team-oktadetect-eu", dep.Name)
			}
			if !withConfig {
				if so.Spec.ScaleTargetRef.Name == dep.Name {
					t.Error("scaleTargetRef was renamed without the configuration: the configuration (and this test) may be obsolete")
				}
				return
			}
			checkKEDAReferences(t, objs)

			// The generated Secret's hashed name reaches the detector and KEDA alike.
			secret := only(t, objs, "Secret")
			if !strings.HasPrefix(secret.Name, "team-oktadetect-kafka-sasl-eu-") {
				t.Fatalf("generated Secret %q", secret.Name)
			}
			d := loadDetector(t, objs)
			e, _ := d.env("OKTADETECT_SASL_USERNAME")
			if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Name != secret.Name {
				t.Errorf("OKTADETECT_SASL_USERNAME %s, want a reference to %s", asYAML(e), secret.Name)
			}
			var auth triggerAuthenticationObject
			decode(t, only(t, objs, "TriggerAuthentication"), &auth)
			for _, ref := range auth.Spec.SecretTargetRef {
				if ref.Key == "username" || ref.Key == "password" {
					if ref.Name != secret.Name {
						t.Errorf("TriggerAuthentication %s reads Secret %q, want %q", ref.Parameter, ref.Name, secret.Name)
					}
				}
			}
		})
	}
}

// show formats an optional API field for a failure message.
func show[T any](p *T) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprint(*p)
}

// copyTree copies the directory src of this repository into fsys at dst.
func copyTree(t *testing.T, src string, fsys filesys.FileSystem, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return fsys.WriteFile(path.Join(dst, filepath.ToSlash(rel)), b)
	})
	if err != nil {
		t.Fatal(err)
	}
}
