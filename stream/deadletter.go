package stream

import (
	"strconv"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Headers added to a dead letter, next to the original record's own headers.
// Values are UTF-8 text; numbers are decimal.
const (
	// HeaderErrorReason holds DeadLetter.Reason, a short machine code.
	HeaderErrorReason = "oktadetect.error.reason"
	// HeaderErrorMessage holds the text of DeadLetter.Err (the reason when
	// Err is nil), cut to 1 KiB.
	HeaderErrorMessage = "oktadetect.error.message"
	// HeaderSourceTopic, HeaderSourcePartition and HeaderSourceOffset say
	// where the original record was read.
	HeaderSourceTopic     = "oktadetect.source.topic"
	HeaderSourcePartition = "oktadetect.source.partition"
	HeaderSourceOffset    = "oktadetect.source.offset"
	// HeaderTruncated is present only when the dead letter did not fit in
	// the dead-letter topic's max.message.bytes. It lists what was cut, in
	// the order it was cut: "value" (the value was cut to a prefix),
	// "value,headers" (the original headers were dropped too) or
	// "value,headers,key".
	HeaderTruncated = "oktadetect.error.truncated"
	// HeaderOriginalValueSize is present with HeaderTruncated and holds
	// the original value's size in bytes.
	HeaderOriginalValueSize = "oktadetect.error.original_value_bytes"
)

const maxErrorMessageBytes = 1024

// Upper bounds of the bytes Kafka's record format (v2) spends around a
// record's key, value and headers, used to decide whether a record fits
// under a size limit without encoding it. Being pessimistic only means
// cutting a dead letter a few bytes earlier than strictly needed.
const (
	recordBatchOverhead = 61             // v2 record batch header
	recordOverhead      = 5 + 1 + 10 + 5 // length, attributes, timestamp delta, offset delta
	varintMax           = 5
)

// encodedSizeBound is an upper bound of the size of a record batch holding
// just this record.
func encodedSizeBound(key, value []byte, headers []kgo.RecordHeader) int {
	n := recordBatchOverhead + recordOverhead + varintMax + len(key) + varintMax + len(value) + varintMax
	for _, h := range headers {
		n += varintMax + len(h.Key) + varintMax + len(h.Value)
	}
	return n
}

// deadLetterRecord builds the record written to the dead-letter topic: the
// original key, value, headers and timestamp plus the error headers. When
// the result would exceed limit bytes it is cut to fit (see
// HeaderTruncated) and truncated is true.
func deadLetterRecord(dl DeadLetter, topic string, limit int) (rec *kgo.Record, truncated bool) {
	src := dl.Record
	msg := dl.Reason
	if dl.Err != nil {
		msg = dl.Err.Error()
	}
	if len(msg) > maxErrorMessageBytes {
		msg = msg[:maxErrorMessageBytes]
	}
	info := []kgo.RecordHeader{
		{Key: HeaderErrorReason, Value: []byte(dl.Reason)},
		{Key: HeaderErrorMessage, Value: []byte(msg)},
		{Key: HeaderSourceTopic, Value: []byte(src.Topic)},
		{Key: HeaderSourcePartition, Value: strconv.AppendInt(nil, int64(src.Partition), 10)},
		{Key: HeaderSourceOffset, Value: strconv.AppendInt(nil, src.Offset, 10)},
	}
	headers := make([]kgo.RecordHeader, 0, len(src.Headers)+len(info)+2)
	headers = append(append(headers, src.Headers...), info...)
	rec = &kgo.Record{
		Topic:     topic,
		Key:       src.Key,
		Value:     src.Value,
		Headers:   headers,
		Timestamp: src.Timestamp,
	}
	if encodedSizeBound(rec.Key, rec.Value, rec.Headers) <= limit {
		return rec, false
	}

	// Cut in order of how little each part tells an investigator: most
	// of the value first (its prefix usually shows what went wrong), then
	// the original headers, then the key.
	cut := "value"
	marker := func() []kgo.RecordHeader {
		return []kgo.RecordHeader{
			{Key: HeaderTruncated, Value: []byte(cut)},
			{Key: HeaderOriginalValueSize, Value: strconv.AppendInt(nil, int64(len(src.Value)), 10)},
		}
	}
	fit := func(key []byte, hs []kgo.RecordHeader) bool {
		room := limit - encodedSizeBound(key, nil, hs)
		if room < 0 {
			return false
		}
		rec.Key, rec.Headers, rec.Value = key, hs, src.Value[:min(room, len(src.Value))]
		return true
	}
	if fit(src.Key, append(headers, marker()...)) {
		return rec, true
	}
	cut = "value,headers"
	if fit(src.Key, append(info, marker()...)) {
		return rec, true
	}
	cut = "value,headers,key"
	if fit(nil, append(info, marker()...)) {
		return rec, true
	}
	// Only a limit smaller than the error headers themselves gets here;
	// keep the reason and the source position, which is what says the
	// record existed.
	rec.Key, rec.Value = nil, nil
	rec.Headers = append(info[:1:1], info[2:]...)
	rec.Headers = append(rec.Headers, marker()...)
	return rec, true
}
