package tools

// Osquery live queries, their results, packs and saved queries (/api/osquery/*).
var osqueryOperations = []*Operation{}
