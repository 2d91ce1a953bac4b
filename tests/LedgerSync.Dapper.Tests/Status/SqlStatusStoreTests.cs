using Dapper;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Status;
using LedgerSync.Status;
using LedgerSync.Testing.Status;

namespace LedgerSync.Tests.Status;

/// <summary>The status-store contract plus the SQL specifics (columns, schema version, atomic transitions) on one dialect.</summary>
public abstract class SqlStatusStoreTests(SqlDialect dialect) : StatusStoreContractTests
{
    private static readonly PartyName B = PartyName.Parse("O=PartyB, L=London, C=GB");
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

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

    protected override async Task<IStatusStore> CreateStoreAsync()
    {
        await _database.ResetAsync();
        return new SqlStatusStore(dialect, _database.CreateConnection);
    }

    [Test]
    public async Task EnsureSchemaAsync_NewDatabase_CreatesTableWithTheSeedColumnsAndRecordsVersion()
    {
        await ((SqlStatusStore)Store).EnsureSchemaAsync();

        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        var columns = dialect == SqlDialect.Sqlite
            ? (await connection.QueryAsync<string>("SELECT name FROM pragma_table_info('CR_RECONCILIATION_STATUS')")).ToList()
            : (await connection.QueryAsync<string>("SELECT column_name FROM information_schema.columns WHERE table_name = 'cr_reconciliation_status' ORDER BY ordinal_position")).ToList();
        Assert.That(columns, Is.EqualTo(new List<string>
        {
            "party_name", "is_requester", "state_machine_id", "last_successful_reconciliation_time_started",
            "last_successful_reconciliation_time_finished", "last_successful_reconciliation_status",
            "last_successful_reconciliation_result", "last_reconciliation_time_started", "last_reconciliation_time_finished",
            "last_reconciliation_status", "last_reconciliation_error",
        }));
        Assert.That(await connection.ExecuteScalarAsync<int>("SELECT version FROM LEDGERSYNC_SCHEMA_VERSION WHERE component = 'reconciliation'"), Is.EqualTo(1));
    }

    [Test]
    public async Task EnsureSchemaAsync_SecondStoreOnSameDatabase_IsHarmless()
    {
        await ((SqlStatusStore)Store).EnsureSchemaAsync();
        var second = new SqlStatusStore(dialect, _database.CreateConnection);

        await second.EnsureSchemaAsync();
        await second.RecordStartedAsync(B, true, Guid.NewGuid(), T0);

        Assert.That(await Store.GetAsync(B, true), Is.Not.Null);
    }

    [Test]
    public async Task RecordFinishedAsync_StoresTimesAsUnixMillisAndAppendsHistory()
    {
        var run = Guid.NewGuid();
        await Store.RecordStartedAsync(B, true, run, T0);
        await Store.RecordFinishedAsync(B, true, run, ReconciliationState.Failed, T0.AddSeconds(2), null, "peer vanished");

        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT last_reconciliation_time_finished FROM CR_RECONCILIATION_STATUS"), Is.EqualTo(T0.AddSeconds(2).ToUnixTimeMilliseconds()));
        var history = (await connection.QueryAsync<string>("SELECT status FROM CR_RECONCILIATION_RUN_HISTORY ORDER BY id")).ToList();
        Assert.That(history, Is.EqualTo(new List<string> { "IN_PROGRESS", "FAILED" }));
    }

    [Test]
    public async Task RecordFinishedAsync_DatabaseFailsMidWrite_LeavesPreviousRowIntact()
    {
        var first = Guid.NewGuid();
        var ids = RandomIds(3, seed: 11);
        await Store.RecordStartedAsync(B, true, first, T0);
        await Store.RecordFinishedAsync(B, true, first, ReconciliationState.DifferencesFound, T0.AddSeconds(1), ids, null);
        var before = await Store.GetAsync(B, true);
        await InstallFailingHistoryTriggerAsync();

        Assert.That(
            async () => await Store.RecordFinishedAsync(B, true, Guid.NewGuid(), ReconciliationState.Failed, T0.AddHours(1), null, "never stored"),
            Throws.Exception);
        Assert.That(
            async () => await Store.RecordStartedAsync(B, true, Guid.NewGuid(), T0.AddHours(2)),
            Throws.Exception);

        var after = await Store.GetAsync(B, true);
        Assert.That(after, Is.EqualTo(before).Using<ReconciliationStatus>((x, y) => x.ToString() == y.ToString()));
        Assert.That(after!.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
    }

    [Test]
    public async Task EnsureSchemaAsync_NewerSchemaVersion_RefusesWithActionableError()
    {
        await ((SqlStatusStore)Store).EnsureSchemaAsync();
        await using (var connection = _database.CreateConnection())
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync("UPDATE LEDGERSYNC_SCHEMA_VERSION SET version = 99 WHERE component = 'reconciliation'");
        }

        try
        {
            var fresh = new SqlStatusStore(dialect, _database.CreateConnection);
            Assert.That(async () => await fresh.EnsureSchemaAsync(), Throws.InstanceOf<LedgerSyncException>().With.Message.Contains("99").And.Message.Contains("Upgrade"));
        }
        finally
        {
            await using var connection = _database.CreateConnection();
            await connection.OpenAsync();
            await connection.ExecuteAsync("UPDATE LEDGERSYNC_SCHEMA_VERSION SET version = 1 WHERE component = 'reconciliation'");
        }
    }

    private async Task InstallFailingHistoryTriggerAsync()
    {
        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        if (dialect == SqlDialect.Sqlite)
        {
            await connection.ExecuteAsync("CREATE TRIGGER fail_history BEFORE INSERT ON CR_RECONCILIATION_RUN_HISTORY BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END");
        }
        else
        {
            await connection.ExecuteAsync("CREATE OR REPLACE FUNCTION fail_history() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated disk failure'; END $$ LANGUAGE plpgsql");
            await connection.ExecuteAsync("CREATE TRIGGER fail_history BEFORE INSERT ON CR_RECONCILIATION_RUN_HISTORY FOR EACH ROW EXECUTE FUNCTION fail_history()");
        }
    }
}

[TestFixture]
public sealed class SqliteStatusStoreTests() : SqlStatusStoreTests(SqlDialect.Sqlite);

[TestFixture]
[Category("PostgreSQL")]
public sealed class PostgreSqlStatusStoreTests() : SqlStatusStoreTests(SqlDialect.PostgreSql);
