module routehandlers

go 1.22
