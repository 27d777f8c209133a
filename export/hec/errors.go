package hec

import (
	"errors"
	"fmt"
	"net/http"
)

// HEC status codes (the "code" field of a reply), as Splunk documents them.
const (
	CodeSuccess           = 0
	CodeTokenDisabled     = 1
	CodeTokenRequired     = 2
	CodeInvalidAuth       = 3
	CodeInvalidToken      = 4
	CodeNoData            = 5
	CodeInvalidDataFormat = 6
	CodeIncorrectIndex    = 7
	CodeInternalError     = 8
	CodeServerBusy        = 9
	CodeChannelMissing    = 10
	CodeInvalidChannel    = 11
	CodeEventRequired     = 12
	CodeEventBlank        = 13
	CodeAckDisabled       = 14
	CodeIndexedFields     = 15
	CodeQueryStringAuth   = 16
	CodeHealthy           = 17
	CodeQueuesFull        = 18
	CodeAckUnavailable    = 19
	CodeQueuesFullAck     = 20
	CodeTooManyRequests   = 21
	CodeTooManyChannels   = 22
)

// Status is one documented HEC status: its HTTP status and text.
type Status struct {
	HTTP int
	Text string
}

// Statuses maps each documented code to the HTTP status and text Splunk sends with it.
func Statuses() map[int]Status {
	return map[int]Status{
		CodeSuccess:           {http.StatusOK, "Success"},
		CodeTokenDisabled:     {http.StatusForbidden, "Token disabled"},
		CodeTokenRequired:     {http.StatusUnauthorized, "Token is required"},
		CodeInvalidAuth:       {http.StatusUnauthorized, "Invalid authorization"},
		CodeInvalidToken:      {http.StatusForbidden, "Invalid token"},
		CodeNoData:            {http.StatusBadRequest, "No data"},
		CodeInvalidDataFormat: {http.StatusBadRequest, "Invalid data format"},
		CodeIncorrectIndex:    {http.StatusBadRequest, "Incorrect index"},
		CodeInternalError:     {http.StatusInternalServerError, "Internal server error"},
		CodeServerBusy:        {http.StatusServiceUnavailable, "Server is busy"},
		CodeChannelMissing:    {http.StatusBadRequest, "Data channel is missing"},
		CodeInvalidChannel:    {http.StatusBadRequest, "Invalid data channel"},
		CodeEventRequired:     {http.StatusBadRequest, "Event field is required"},
		CodeEventBlank:        {http.StatusBadRequest, "Event field cannot be blank"},
		CodeAckDisabled:       {http.StatusBadRequest, "ACK is disabled"},
		CodeIndexedFields:     {http.StatusBadRequest, "Error in handling indexed fields"},
		CodeQueryStringAuth:   {http.StatusBadRequest, "Query string authorization is not enabled"},
		CodeHealthy:           {http.StatusOK, "HEC is healthy"},
		CodeQueuesFull:        {http.StatusServiceUnavailable, "HEC is unhealthy, queues are full"},
		CodeAckUnavailable:    {http.StatusServiceUnavailable, "HEC is unhealthy, ack service unavailable"},
		CodeQueuesFullAck:     {http.StatusServiceUnavailable, "HEC is unhealthy, queues are full"},
		CodeTooManyRequests:   {http.StatusTooManyRequests, "Too many requests"},
		CodeTooManyChannels:   {http.StatusServiceUnavailable, "Too many data channels"},
	}
}

// Error is a failed HEC request: a transport error (Err set) or a reply with a non-200 status.
type Error struct {
	Op           string // "send events", "query acknowledgements", "health check"
	Status       int    // HTTP status; 0 when the request never got a reply
	Code         int    // HEC code from the reply body
	Text         string // HEC text from the reply body
	InvalidEvent int    // index of the first rejected event in the batch; -1 when not given
	Err          error  // transport error
}

// Error is one line: operation, status, HEC text and code, and a hint when one helps.
func (e *Error) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("splunk hec: %s: %v", e.Op, e.Err)
	}
	msg := fmt.Sprintf("splunk hec: %s: HTTP %d", e.Op, e.Status)
	if e.Text != "" {
		msg += fmt.Sprintf(": %s (code %d)", e.Text, e.Code)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if hint := e.hint(); hint != "" {
		msg += ": " + hint
	}
	return msg
}

// Unwrap gives the transport error, if any.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) hint() string {
	switch {
	case e.Status == http.StatusUnauthorized || e.Code == CodeInvalidToken || e.Code == CodeTokenRequired:
		return "the token was refused; check KPEEK_SPLUNK_TOKEN or --splunk-token-file"
	case e.Code == CodeTokenDisabled:
		return "the token is disabled in Splunk"
	case e.Code == CodeIncorrectIndex:
		return "the token may not write to this index; check --index against the token's allowed indexes"
	case e.Code == CodeChannelMissing:
		return "this token uses indexer acknowledgement; export with --ack"
	case e.Code == CodeAckDisabled:
		return "indexer acknowledgement is off for this token; run without --ack"
	case e.Status == http.StatusForbidden:
		return "access denied; check the token and its allowed indexes"
	}
	return ""
}

// Temporary reports whether the same request may succeed later: transport errors,
// 5xx, 429 and the busy/unhealthy codes.
func (e *Error) Temporary() bool {
	if e.Status == 0 {
		return true
	}
	switch e.Code {
	case CodeInternalError, CodeServerBusy, CodeQueuesFull, CodeAckUnavailable, CodeQueuesFullAck, CodeTooManyRequests:
		return true
	}
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests
}

// Fatal reports whether no request with this token, index and channel can succeed:
// the export must stop and spool what is left.
func (e *Error) Fatal() bool {
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		return true
	}
	switch e.Code {
	case CodeTokenDisabled, CodeTokenRequired, CodeInvalidAuth, CodeInvalidToken, CodeIncorrectIndex,
		CodeChannelMissing, CodeInvalidChannel, CodeAckDisabled, CodeQueryStringAuth, CodeNoData:
		return e.Status != 0 && e.Status < 500
	}
	return e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed
}

// BadEvent reports whether the reply names one event the collector will never accept
// (bad format, missing or blank event): the events before it were indexed.
func (e *Error) BadEvent() bool {
	if e.InvalidEvent < 0 || e.Status != http.StatusBadRequest {
		return false
	}
	switch e.Code {
	case CodeInvalidDataFormat, CodeEventRequired, CodeEventBlank, CodeIndexedFields:
		return true
	}
	return false
}

// AsError returns err as an *Error when it is one.
func AsError(err error) (*Error, bool) {
	var he *Error
	ok := errors.As(err, &he)
	return he, ok
}
