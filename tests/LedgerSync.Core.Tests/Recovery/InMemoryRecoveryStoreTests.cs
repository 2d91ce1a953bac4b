using LedgerSync.Recovery;
using LedgerSync.Testing.Recovery;

namespace LedgerSync.Tests.Recovery;

[TestFixture]
public sealed class InMemoryRecoveryStoreTests : RecoveryStoreContractTests
{
    protected override Task<IRecoveryStore> CreateStoreAsync() => Task.FromResult<IRecoveryStore>(new InMemoryRecoveryStore());
}
