package messages

import (
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

// The detail view needs one lexer and two styles. Chroma's lexers and styles packages
// register every lexer and style they know when a program starts (about 10 ms, for every
// command, the headless ones too), so the three are built here from chroma's own
// definitions (lexers/embedded/json.xml, styles/github.xml, styles/github-dark.xml of
// chroma v2.27.0), the first time the detail view highlights.

// chromaJSON is the JSON lexer, built on first use.
var chromaJSON = sync.OnceValues(func() (chroma.Lexer, error) {
	return chroma.Unmarshal([]byte(jsonLexerXML))
})

// chromaStyles are the styles NewMessagesStyles names, built on first use.
var chromaStyles = sync.OnceValue(func() map[string]*chroma.Style {
	out := map[string]*chroma.Style{}
	for _, def := range []string{githubStyleXML, githubDarkStyleXML} {
		if s, err := chroma.NewXMLStyle(strings.NewReader(def)); err == nil {
			out[s.Name] = s
		}
	}
	return out
})

// chromaStyle returns the named style, or nil when it is not one of the built ones.
func chromaStyle(name string) *chroma.Style { return chromaStyles()[name] }

const jsonLexerXML = `<lexer>
  <config>
    <name>JSON</name>
    <alias>json</alias>
    <alias>jsonl</alias>
    <filename>*.json</filename>
    <filename>*.jsonl</filename>
    <filename>*.jsonc</filename>
    <filename>*.json5</filename>
    <filename>*.avsc</filename>
    <filename>.luaurc</filename>
    <mime_type>application/json</mime_type>
    <mime_type>application/jsonl</mime_type>
    <dot_all>true</dot_all>
    <not_multiline>true</not_multiline>
  </config>
  <rules>
    <state name="root">
      <rule>
        <include state="value"/>
      </rule>
    </state>
    <state name="whitespace">
      <rule pattern="\s+">
        <token type="Text"/>
      </rule>
    </state>
    <state name="comment">
      <rule pattern="//.*?\n">
        <token type="CommentSingle"/>
      </rule>
    </state>
    <state name="simplevalue">
      <rule pattern="(true|false|null)\b">
        <token type="KeywordConstant"/>
      </rule>
      <rule pattern="-?(0|[1-9]\d*)(\.\d+[eE](\+|-)?\d+|[eE](\+|-)?\d+|\.\d+)">
        <token type="LiteralNumberFloat"/>
      </rule>
      <rule pattern="-?(0|[1-9]\d*)">
        <token type="LiteralNumberInteger"/>
      </rule>
      <rule pattern="&#34;(\\\\|\\&#34;|[^&#34;])*&#34;">
        <token type="LiteralStringDouble"/>
      </rule>
    </state>
    <state name="objectattribute">
      <rule>
        <include state="value"/>
      </rule>
      <rule pattern=":">
        <token type="Punctuation"/>
      </rule>
      <rule pattern=",">
        <token type="Punctuation"/>
        <pop depth="1"/>
      </rule>
      <rule pattern="\}">
        <token type="Punctuation"/>
        <pop depth="2"/>
      </rule>
    </state>
    <state name="objectvalue">
      <rule>
        <include state="whitespace"/>
      </rule>
      <rule>
        <include state="comment"/>
      </rule>
      <rule pattern="&#34;(\\\\|\\&#34;|[^&#34;])*&#34;">
        <token type="NameTag"/>
        <push state="objectattribute"/>
      </rule>
      <rule pattern="\}">
        <token type="Punctuation"/>
        <pop depth="1"/>
      </rule>
    </state>
    <state name="arrayvalue">
      <rule>
        <include state="whitespace"/>
      </rule>
      <rule>
        <include state="value"/>
      </rule>
      <rule>
        <include state="comment"/>
      </rule>
      <rule pattern=",">
        <token type="Punctuation"/>
      </rule>
      <rule pattern="\]">
        <token type="Punctuation"/>
        <pop depth="1"/>
      </rule>
    </state>
    <state name="value">
      <rule>
        <include state="whitespace"/>
      </rule>
      <rule>
        <include state="simplevalue"/>
      </rule>
      <rule>
        <include state="comment"/>
      </rule>
      <rule pattern="\{">
        <token type="Punctuation"/>
        <push state="objectvalue"/>
      </rule>
      <rule pattern="\[">
        <token type="Punctuation"/>
        <push state="arrayvalue"/>
      </rule>
    </state>
  </rules>
</lexer>
`

const githubStyleXML = `<style name="github" counterpart="github-dark">
  <entry type="Error" style="#f6f8fa bg:#82071e"/>
  <entry type="Background" style="bg:#f7f7f7"/>
  <entry type="Keyword" style="#cf222e"/>
  <entry type="KeywordType" style="#cf222e"/>
  <entry type="NameAttribute" style="#1f2328"/>
  <entry type="NameBuiltin" style="#6639ba"/>
  <entry type="NameBuiltinPseudo" style="#6a737d"/>
  <entry type="NameClass" style="#1f2328"/>
  <entry type="NameConstant" style="#0550ae"/>
  <entry type="NameDecorator" style="#0550ae"/>
  <entry type="NameEntity" style="#6639ba"/>
  <entry type="NameFunction" style="#6639ba"/>
  <entry type="NameLabel" style="bold #990000"/>
  <entry type="NameNamespace" style="#24292e"/>
  <entry type="NameOther" style="#1f2328"/>
  <entry type="NameTag" style="#0550ae"/>
  <entry type="NameVariable" style="#953800"/>
  <entry type="NameVariableClass" style="#953800"/>
  <entry type="NameVariableGlobal" style="#953800"/>
  <entry type="NameVariableInstance" style="#953800"/>
  <entry type="LiteralString" style="#0a3069"/>
  <entry type="LiteralStringRegex" style="#0a3069"/>
  <entry type="LiteralStringSymbol" style="#032f62"/>
  <entry type="LiteralNumber" style="#0550ae"/>
  <entry type="Operator" style="#0550ae"/>
  <entry type="Comment" style="#57606a"/>
  <entry type="CommentMultiline" style="#57606a"/>
  <entry type="CommentSingle" style="#57606a"/>
  <entry type="CommentSpecial" style="#57606a"/>
  <entry type="CommentPreproc" style="#57606a"/>
  <entry type="GenericDeleted" style="#82071e bg:#ffebe9"/>
  <entry type="GenericEmph" style="#1f2328"/>
  <entry type="GenericInserted" style="#116329 bg:#dafbe1"/>
  <entry type="GenericOutput" style="#1f2328"/>
  <entry type="GenericUnderline" style="underline"/>
  <entry type="Punctuation" style="#1f2328"/>
  <entry type="TextWhitespace" style="#ffffff"/>
</style>
`

const githubDarkStyleXML = `<style name="github-dark" counterpart="github">
  <entry type="Error" style="#f85149"/>
  <entry type="LineHighlight" style="bg:#6e7681"/>
  <entry type="LineNumbers" style="#6e7681"/>
  <entry type="Background" style="#e6edf3 bg:#0d1117"/>
  <entry type="Keyword" style="#ff7b72"/>
  <entry type="KeywordConstant" style="#79c0ff"/>
  <entry type="KeywordPseudo" style="#79c0ff"/>
  <entry type="Name" style="#e6edf3"/>
  <entry type="NameClass" style="bold #f0883e"/>
  <entry type="NameConstant" style="bold #79c0ff"/>
  <entry type="NameDecorator" style="bold #d2a8ff"/>
  <entry type="NameEntity" style="#ffa657"/>
  <entry type="NameException" style="bold #f0883e"/>
  <entry type="NameFunction" style="bold #d2a8ff"/>
  <entry type="NameLabel" style="bold #79c0ff"/>
  <entry type="NameNamespace" style="#ff7b72"/>
  <entry type="NameOther" style="#e6edf3"/>
  <entry type="NameProperty" style="#79c0ff"/>
  <entry type="NameTag" style="#7ee787"/>
  <entry type="NameVariable" style="#79c0ff"/>
  <entry type="Literal" style="#a5d6ff"/>
  <entry type="LiteralDate" style="#79c0ff"/>
  <entry type="LiteralStringAffix" style="#79c0ff"/>
  <entry type="LiteralStringDelimiter" style="#79c0ff"/>
  <entry type="LiteralStringEscape" style="#79c0ff"/>
  <entry type="LiteralStringHeredoc" style="#79c0ff"/>
  <entry type="LiteralStringRegex" style="#79c0ff"/>
  <entry type="Operator" style="bold #ff7b72"/>
  <entry type="Comment" style="italic #8b949e"/>
  <entry type="CommentSpecial" style="bold italic #8b949e"/>
  <entry type="CommentPreproc" style="bold #8b949e"/>
  <entry type="Generic" style="#e6edf3"/>
  <entry type="GenericDeleted" style="#ffa198 bg:#490202"/>
  <entry type="GenericEmph" style="italic"/>
  <entry type="GenericError" style="#ffa198"/>
  <entry type="GenericHeading" style="bold #79c0ff"/>
  <entry type="GenericInserted" style="#56d364 bg:#0f5323"/>
  <entry type="GenericOutput" style="#8b949e"/>
  <entry type="GenericPrompt" style="#8b949e"/>
  <entry type="GenericStrong" style="bold"/>
  <entry type="GenericSubheading" style="#79c0ff"/>
  <entry type="GenericTraceback" style="#ff7b72"/>
  <entry type="GenericUnderline" style="underline"/>
  <entry type="TextWhitespace" style="#6e7681"/>
</style>
`
