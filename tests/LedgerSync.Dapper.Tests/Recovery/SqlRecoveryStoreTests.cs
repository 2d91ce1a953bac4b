using Dapper;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Recovery;
using LedgerSync.Dapper.Schema;
using LedgerSync.Recovery;
using LedgerSync.Testing.Recovery;
using LedgerSync.Tests.Status;

namespace LedgerSync.Tests.Recovery;

/// <summary>The recovery-store contract on the SQL store, plus the schema's upgrade to the recovery tables.</summary>
public abstract class SqlRecoveryStoreTests(SqlDialect dialect) : RecoveryStoreContractTests
{
    private SqlTestDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _database = await SqlTestDatabase.CreateAsync(dialect);

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected override async Task<IRecoveryStore> CreateStoreAsync()
    {
        await _database.ResetAsync();
        var store = new SqlRecoveryStore(dialect, _database.CreateConnection);
        await store.EnsureSchemaAsync();
        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM CR_RECOVERY_ITEM");
        await connection.ExecuteAsync("DELETE FROM CR_RECOVERY");
        return store;
    }

    [Test]
    public async Task EnsureSchemaAsync_DatabaseAtVersion1_AddsTheRecoveryTablesAndRecordsVersion2()
    {
        // A database written by the previous version: the reconciliation tables, version 1, no recovery tables.
        await using (var connection = _database.CreateConnection())
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync("DROP TABLE CR_RECOVERY_ITEM");
            await connection.ExecuteAsync("DROP TABLE CR_RECOVERY");
            await connection.ExecuteAsync("UPDATE LEDGERSYNC_SCHEMA_VERSION SET version = 1 WHERE component = 'reconciliation'");
        }

        var upgraded = new SqlRecoveryStore(dialect, _database.CreateConnection);
        await upgraded.EnsureSchemaAsync();
        var recovery = NewRecovery(PartyName.Parse("O=PartyB, L=London, C=GB"), 2, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        Assert.That(await upgraded.TryAddAsync(recovery, Ids(2)), Is.True);

        await using var check = _database.CreateConnection();
        await check.OpenAsync();
        Assert.That(await check.ExecuteScalarAsync<int>("SELECT version FROM LEDGERSYNC_SCHEMA_VERSION WHERE component = 'reconciliation'"), Is.EqualTo(ReconciliationSchema.CurrentVersion));
        Assert.That(ReconciliationSchema.CurrentVersion, Is.EqualTo(2));
        Assert.That(await check.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM CR_RECOVERY_ITEM"), Is.EqualTo(2));
    }

    [Test]
    public async Task TryAddAsync_TenThousandIds_StoresEveryItemInOrder()
    {
        var ids = Ids(10_000, 1_000_000);
        var recovery = NewRecovery(PartyName.Parse("O=PartyC, L=Paris, C=FR"), ids.Length, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

        Assert.That(await Store.TryAddAsync(recovery, ids), Is.True);

        var items = new List<RecoveryItem>();
        int? after = null;
        while (true)
        {
            var page = await Store.GetItemsAsync(recovery.RecoveryId, null, after, 3000);
            if (page.Count == 0)
            {
                break;
            }

            items.AddRange(page);
            after = page[^1].Position;
        }

        Assert.That(items.Select(i => i.TransactionId), Is.EqualTo(ids));
        Assert.That(items.Select(i => i.Position), Is.EqualTo(Enumerable.Range(0, ids.Length)));
    }
}

[TestFixture]
public sealed class SqliteRecoveryStoreTests() : SqlRecoveryStoreTests(SqlDialect.Sqlite);

[TestFixture]
[Category("PostgreSQL")]
public sealed class PostgreSqlRecoveryStoreTests() : SqlRecoveryStoreTests(SqlDialect.PostgreSql);
