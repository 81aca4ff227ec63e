package esql

// RealCorpus is the held-out real corpus, for the external test that runs
// it against the sandbox's own data (sandbox_corpus_test.go): that test
// imports the sandbox, which imports this package, so it cannot live in it.
var RealCorpus = realCorpus
