package eventgen

// Shape is the layout of a generated record. The detector accepts all of
// them; a stream mixes them according to Config.Shapes.
type Shape string

const (
	// ShapeOkta is the raw System Log LogEvent, as Okta's API returns it.
	ShapeOkta Shape = "okta"
	// ShapeECS is the document Elastic's Okta integration indexes: ECS
	// with nested objects.
	ShapeECS Shape = "ecs"
	// ShapeECSDotted is the same document with dotted top-level keys
	// ("event.action", "okta.actor.id"), as Filebeat writes it. Arrays stay
	// arrays, and objects inside arrays stay nested.
	ShapeECSDotted Shape = "ecs-dotted"
	// ShapeECSMixed is the same document with some top-level groups
	// nested, others dotted, and some split after their first level
	// ("okta.actor": {...}).
	ShapeECSMixed Shape = "ecs-mixed"
	// ShapeEnvelope is an Elastic Agent document written to Kafka without
	// the ingest pipeline: agent metadata plus the raw LogEvent as a JSON
	// string in "message".
	ShapeEnvelope Shape = "envelope"
)

// AllShapes returns every Shape, in a fixed order.
func AllShapes() []Shape {
	return []Shape{ShapeOkta, ShapeECS, ShapeECSDotted, ShapeECSMixed, ShapeEnvelope}
}
