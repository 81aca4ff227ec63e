package tools

// Exception lists and their items (/api/exception_lists*,
// /api/exceptions/shared, and the rule-scoped items of
// /api/detection_engine/rules/{id}/exceptions).
var exceptionListsOperations = []*Operation{}
