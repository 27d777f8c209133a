package groups

import (
	"charm.land/bubbles/v2/key"

	"github.com/kpeek/kpeek/tui/common"
)

// OpenRecordsMsg asks the root to open Topic's messages on Partition's offsets From to To-1:
// the records Group took between two of its commits.
type OpenRecordsMsg struct {
	Group     string
	Topic     string
	Partition int32
	From, To  int64 // To is the commit's offset, the next record the group would read
}

// openRecords is enter as the detail uses it: open the selected span's records.
func openRecords(k *common.KeyMap) key.Binding {
	b := k.Enter
	b.SetHelp(b.Help().Key, "open its records")
	return b
}
