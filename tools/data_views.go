package tools

// dataViewsOperations: to be declared.
var dataViewsOperations = []*Operation{}
