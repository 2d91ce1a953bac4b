using System.Runtime.CompilerServices;

// The scheduler fakes implement the core's internal protocol contracts; the test and benchmark projects use them.
[assembly: InternalsVisibleTo("LedgerSync.Core.Tests")]
[assembly: InternalsVisibleTo("LedgerSync.Dapper.Tests")]
[assembly: InternalsVisibleTo("LedgerSync.Benchmarks")]
