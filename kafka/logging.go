package kafka

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/IBM/sarama"
)

// sarama logs through package globals (sarama.Logger, sarama.DebugLogger) that every client
// in the process shares. kpeek installs one forwarder, once, and points it at the logger of
// the most recent client: the only package-level state here, and the reason for it.
var saramaLog struct {
	once   sync.Once
	target atomic.Pointer[slog.Logger]
}

// routeSaramaLogs sends sarama's log lines to l at debug level.
func routeSaramaLogs(l *slog.Logger) {
	saramaLog.target.Store(l)
	saramaLog.once.Do(func() {
		fwd := saramaForwarder{}
		sarama.Logger = fwd
		sarama.DebugLogger = fwd
	})
}

// saramaForwarder is a sarama.StdLogger writing to the current slog target.
type saramaForwarder struct{}

func (saramaForwarder) Print(v ...any) { forward(fmt.Sprint(v...)) }

func (saramaForwarder) Printf(format string, v ...any) { forward(fmt.Sprintf(format, v...)) }

func (saramaForwarder) Println(v ...any) { forward(fmt.Sprintln(v...)) }

func forward(msg string) {
	msg = strings.TrimSpace(msg)
	// sarama says this at every dial through a custom dialer; kpeek's dialer (conns.go)
	// only keeps the connections it opens, there is no proxy, and the line would mislead.
	if msg == "using proxy" {
		return
	}
	if l := saramaLog.target.Load(); l != nil {
		l.Debug(msg, "component", "sarama")
	}
}
