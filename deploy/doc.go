// Package deploy holds everything needed to run oktadetect outside a
// developer's shell, and the tests that keep it honest. It has no Go API: the
// package exists so that `go test ./deploy/...` checks the deployment files
// offline, without Docker or a cluster.
//
// What is here:
//
//   - Dockerfile: a static, non-root, distroless image of cmd/oktadetect.
//   - kubernetes/base: a kustomize base (Deployment, ConfigMaps, Service,
//     PodDisruptionBudget, ServiceAccount, and a KEDA ScaledObject that scales
//     on the consumer group's lag), and kubernetes/overlays/example, a
//     production-shaped overlay to copy.
//   - compose.yaml: Kafka, the detector and a burst of sample events on one
//     machine, for people with Docker.
//   - grafana/oktadetect.json: a dashboard over the metrics the binary exports.
//
// What the tests check: both kustomizations build and every object they
// produce is valid against the Kubernetes 1.33 and KEDA schemas vendored in
// testdata/schemas (strict mode: unknown fields are errors); the properties an
// operator relies on hold in every build (non-root, read-only, probes, shutdown
// grace, KEDA bounded by the partition count, references that survive a
// namePrefix); the dashboard queries only metrics the binary exports; the
// Dockerfile builds a static binary into a distroless image with an exec-form
// entrypoint; compose.yaml wires the services and commands together; the rules
// the base ships load with the detector's loader and fire on their example
// events.
//
// See README.md for how to use these files.
package deploy
