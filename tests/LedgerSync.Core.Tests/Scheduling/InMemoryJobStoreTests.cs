using LedgerSync.Scheduling;
using LedgerSync.Testing.Scheduling;

namespace LedgerSync.Tests.Scheduling;

[TestFixture]
public sealed class InMemoryJobStoreTests : JobStoreContractTests
{
    protected override Task<object> CreateStoreAsync() => Task.FromResult<object>(new InMemoryReconciliationJobStore());
}
