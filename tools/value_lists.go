package tools

// Value lists and their items (/api/lists*): the IPs, hashes and names that
// exception entries of type "list" match against.
var valueListsOperations = []*Operation{}
