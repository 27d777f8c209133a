package demo

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// kfakeLogger routes the fake broker's warnings and errors into slog; its info and debug
// lines (one per request) would drown everything else.
type kfakeLogger struct{ l *slog.Logger }

func (k kfakeLogger) Logf(level kfake.LogLevel, format string, args ...any) {
	switch level {
	case kfake.LogLevelError:
		k.l.Error(fmt.Sprintf(format, args...), "component", "kfake")
	case kfake.LogLevelWarn:
		k.l.Warn(fmt.Sprintf(format, args...), "component", "kfake")
	}
}

// kgoLogger routes the demo's own Kafka clients' warnings and errors into slog.
type kgoLogger struct {
	l      *slog.Logger
	client string
}

func (k kgoLogger) Level() kgo.LogLevel { return kgo.LogLevelWarn }

func (k kgoLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	lv := slog.LevelWarn
	if level == kgo.LogLevelError {
		lv = slog.LevelError
	} else if level != kgo.LogLevelWarn {
		lv = slog.LevelDebug
	}
	k.l.Log(context.Background(), lv, msg, append([]any{"component", k.client}, keyvals...)...)
}
