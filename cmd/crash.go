package cmd

import "fmt"

// reportPanic tells the user kpeek crashed. With --debug the stack goes to the debug log
// (stderr for commands, the log file for the explorer) and the message says where; without
// it the message says how to get one. The panic value is sanitised like any error.
func (g *globals) reportPanic(r any, stack []byte) {
	msg := oneLine(fmt.Sprint(r))
	defer g.close()
	if !g.debug {
		fmt.Fprintf(g.stderr, "kpeek: internal error: %s (run again with --debug to log the stack, and report it)\n", msg)
		return
	}
	if g.logger == nil {
		if err := g.setupLogger(false); err != nil {
			fmt.Fprintf(g.stderr, "kpeek: internal error: %s (and no debug log: %s)\n", msg, oneLine(err.Error()))
			return
		}
	}
	g.logger.Error("internal error", "panic", msg, "stack", string(stack))
	where := "above"
	if g.logFile != nil {
		where = "in " + g.logFile.Name()
	}
	fmt.Fprintf(g.stderr, "kpeek: internal error: %s (the stack is logged %s; please report it)\n", msg, where)
}
