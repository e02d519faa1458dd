package mailtest

import (
	"context"
	"errors"
	"sync"

	"ocop/internal/mail"
)

// Recorder is an in-memory mail.Mailer for tests that need no SMTP
// conversation: it records the messages it is asked to send and refuses
// the next ones while told to (FailNext). Safe for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	fail int
	sent []mail.Message
}

// ErrRefused is what a Recorder told to fail answers.
var ErrRefused = errors.New("451 mailbox busy")

// Send records msg, or refuses it with ErrRefused while failures are due.
func (r *Recorder) Send(_ context.Context, msg mail.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return ErrRefused
	}
	r.sent = append(r.sent, msg)
	return nil
}

// FailNext makes the next n sends fail.
func (r *Recorder) FailNext(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = n
}

// Sent returns a copy of the messages sent so far, in order.
func (r *Recorder) Sent() []mail.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]mail.Message(nil), r.sent...)
}
