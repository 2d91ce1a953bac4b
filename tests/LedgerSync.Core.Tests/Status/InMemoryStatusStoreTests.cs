using LedgerSync.Status;
using LedgerSync.Testing.Status;

namespace LedgerSync.Tests.Status;

[TestFixture]
public sealed class InMemoryStatusStoreTests : StatusStoreContractTests
{
    protected override Task<IStatusStore> CreateStoreAsync(TimeProvider time) => Task.FromResult<IStatusStore>(new InMemoryStatusStore());
}
