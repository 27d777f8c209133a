// Command hecserver runs the in-repo Splunk HEC collector (export/hectest) for the
// explorer's end-to-end script: it prints the collector's event URL on its first line,
// then keeps the number of events received in the file named by -count.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/kpeek/kpeek/export/hectest"
)

func main() {
	token := flag.String("token", "e2e-token", "the HEC token the collector accepts")
	countFile := flag.String("count", "", "file to keep the number of events received in")
	flag.Parse()
	srv := hectest.New(hectest.WithToken(*token))
	defer srv.Close()
	fmt.Println(srv.URL())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	last := -1
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if n := srv.Count(); n != last && *countFile != "" {
				if err := os.WriteFile(*countFile, []byte(strconv.Itoa(n)+"\n"), 0o600); err != nil {
					fmt.Fprintln(os.Stderr, "hecserver:", err)
					os.Exit(1)
				}
				last = n
			}
		}
	}
}
