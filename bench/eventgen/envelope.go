package eventgen

import "time"

// envelopeMeta is what varies between Elastic Agent envelopes.
type envelopeMeta struct {
	agent     *agent
	timestamp time.Time // when the agent collected the event
	input     string    // "httpjson" or "cel"
	dataset   bool      // whether the agent also set event.dataset
	original  bool      // preserve_original_event is enabled for the stream
}

// appendEnvelope appends the document an Elastic Agent writes to Kafka
// for one collected LogEvent: the agent's metadata and data stream, with
// the raw event as a JSON string in "message". The Okta integration's
// ingest pipeline, which would parse message, never runs on this path.
//
// The agent stamps @timestamp with the collection time (the pipeline
// later replaces it with published). Streams tagged "forwarded" do not
// carry host metadata.
func appendEnvelope(dst, raw []byte, m envelopeMeta) []byte {
	dst = append(dst, `{"@timestamp":"`...)
	dst = m.timestamp.UTC().AppendFormat(dst, timeMillis)
	dst = append(dst, `","@metadata":{"beat":"filebeat","type":"_doc","version":`...)
	dst = appendString(dst, m.agent.version)
	dst = append(dst, `},"agent":{`...)
	dst = appendField(dst, "ephemeral_id", m.agent.ephemeralID)
	dst = append(dst, ',')
	dst = appendField(dst, "id", m.agent.id)
	dst = append(dst, ',')
	dst = appendField(dst, "name", m.agent.name)
	dst = append(dst, `,"type":"filebeat",`...)
	dst = appendField(dst, "version", m.agent.version)
	dst = append(dst, `},"data_stream":{"dataset":"okta.system","namespace":"default","type":"logs"},"ecs":{"version":"8.0.0"},"elastic_agent":{`...)
	dst = appendField(dst, "id", m.agent.id)
	dst = append(dst, `,"snapshot":false,`...)
	dst = appendField(dst, "version", m.agent.version)
	dst = append(dst, '}')
	if m.dataset {
		dst = append(dst, `,"event":{"dataset":"okta.system"}`...)
	}
	dst = append(dst, `,"input":{`...)
	dst = appendField(dst, "type", m.input)
	dst = append(dst, `},"message":`...)
	dst = appendStringBytes(dst, raw)
	if m.original {
		dst = append(dst, `,"tags":["preserve_original_event","forwarded","okta-system"]}`...)
	} else {
		dst = append(dst, `,"tags":["forwarded","okta-system"]}`...)
	}
	return dst
}
