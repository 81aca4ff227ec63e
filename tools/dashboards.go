package tools

// dashboardsOperations: to be declared.
var dashboardsOperations = []*Operation{}
