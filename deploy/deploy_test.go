package deploy_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// The kustomizations the tests build, relative to this package.
const (
	baseDir    = "kubernetes/base"
	exampleDir = "kubernetes/overlays/example"
)

// object is one Kubernetes object of a kustomize build.
type object struct {
	APIVersion, Kind, Namespace, Name string
	YAML                              []byte
}

// build runs kustomize on dir, read from fsys, the way `kubectl kustomize`
// does with default options.
func build(t *testing.T, fsys filesys.FileSystem, dir string) []object {
	t.Helper()
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	var objs []object
	for _, r := range resources.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			t.Fatalf("kustomize build %s: %s %s: %v", dir, r.GetKind(), r.GetName(), err)
		}
		objs = append(objs, object{
			APIVersion: r.GetApiVersion(),
			Kind:       r.GetKind(),
			Namespace:  r.GetNamespace(),
			Name:       r.GetName(),
			YAML:       y,
		})
	}
	return objs
}

// buildOnDisk builds a kustomization of this repository.
func buildOnDisk(t *testing.T, dir string) []object {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return build(t, filesys.MakeFsOnDisk(), abs)
}

// only returns the single object of the kind, failing the test if there is
// not exactly one.
func only(t *testing.T, objs []object, kind string) object {
	t.Helper()
	var found []object
	for _, o := range objs {
		if o.Kind == kind {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %s, found %d", kind, len(found))
	}
	return found[0]
}

// named returns the object of the kind and name, or false.
func named(objs []object, kind, name string) (object, bool) {
	for _, o := range objs {
		if o.Kind == kind && o.Name == name {
			return o, true
		}
	}
	return object{}, false
}

// asYAML formats a decoded value for a failure message.
func asYAML(v any) string {
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return "\n" + string(b)
}

// decode unmarshals an object into v, a struct modelling the fields a test
// reads (unknown fields are ignored here; kubeconform checks them).
func decode(t *testing.T, o object, v any) {
	t.Helper()
	if err := yaml.NewDecoder(bytes.NewReader(o.YAML)).Decode(v); err != nil {
		t.Fatalf("%s %s: %v", o.Kind, o.Name, err)
	}
}
