package esql

// Expression syntax tree. pos/end are byte offsets into the query; the text
// between them names unnamed columns, as Elasticsearch does.

type expr interface{ span() (int, int) }

type at struct{ pos, end int }

func (a at) span() (int, int) { return a.pos, a.end }

type litExpr struct {
	at
	val any    // nil, int64, float64, string, bool, timeSpan, []any
	typ string // integer, long, double, keyword, boolean, null, time_duration, date_period
}

type identExpr struct {
	at
	name string
}

type unaryExpr struct {
	at
	op string // "-" or "+"
	x  expr
}

type binaryExpr struct {
	at
	op   string // + - * / % == != < <= > >= AND OR
	l, r expr
	opAt int
}

type notExpr struct {
	at
	x expr
}

type isNullExpr struct {
	at
	x   expr
	not bool
}

type likeExpr struct {
	at
	x        expr
	patterns []string
	patAt    int
	rlike    bool
	not      bool
}

type inExpr struct {
	at
	x    expr
	list []expr
	not  bool
}

type callExpr struct {
	at
	name string // upper case
	args []expr
	star bool // COUNT(*)
}

type castExpr struct {
	at
	x   expr
	typ string
}

// Commands.

type command interface{ cmdPos() int }

type cmdAt struct{ pos int }

func (c cmdAt) cmdPos() int { return c.pos }

type sourcePat struct {
	pattern string
	pos     int
}

type fromCmd struct {
	cmdAt
	sources  []sourcePat
	metadata []sourcePat
}

type assign struct {
	name    string // "" when unnamed (then the expression text)
	namePos int
	x       expr
	where   expr // STATS ... WHERE
}

type rowCmd struct {
	cmdAt
	fields []assign
}

type whereCmd struct {
	cmdAt
	cond expr
}

type evalCmd struct {
	cmdAt
	fields []assign
}

type statsCmd struct {
	cmdAt
	aggs []assign
	by   []assign
}

type sortKey struct {
	x          expr
	desc       bool
	nullsFirst bool
}

type sortCmd struct {
	cmdAt
	keys []sortKey
}

type limitCmd struct {
	cmdAt
	n int
}

type keepCmd struct {
	cmdAt
	patterns []sourcePat
	drop     bool
}

type renamePair struct {
	from, to       string
	fromPos, toPos int
}

type renameCmd struct {
	cmdAt
	pairs []renamePair
}

type mvExpandCmd struct {
	cmdAt
	field    string
	fieldPos int
}

type dissectCmd struct {
	cmdAt
	x       expr
	pattern string
	patPos  int
	sep     string
}

type grokCmd struct {
	cmdAt
	x    expr
	prog *grokProgram
}

// mapExpr is a function's options, {"name": constant, ...}.
type mapExpr struct {
	at
	keys []string
	vals []*litExpr
}

// inlineStatsCmd is INLINE STATS (and the older INLINESTATS): the stats of
// each row's group, added to the row.
type inlineStatsCmd struct {
	statsCmd
}

// enrichCmd is ENRICH policy [ON field] [WITH ...]; the sandbox has no
// enrich policies, so it answers as Elasticsearch does for a missing one.
type enrichCmd struct {
	cmdAt
	policy    string
	policyPos int
}

// lookupJoinCmd is LOOKUP JOIN index ON field, ...: a left join with the
// documents of a lookup index.
type lookupJoinCmd struct {
	cmdAt
	index    string
	indexPos int
	on       []token
}

// showInfoCmd is SHOW INFO.
type showInfoCmd struct{ cmdAt }

// sampleCmd is SAMPLE p: each row kept with probability p.
type sampleCmd struct {
	cmdAt
	p float64
}
