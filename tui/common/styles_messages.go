package common

// MessagesStyles are the messages pane's styles. OWNER: messages pane helper.
type MessagesStyles struct{}

// MessagesKeys are the messages pane's own bindings. OWNER: messages pane helper.
type MessagesKeys struct{}
