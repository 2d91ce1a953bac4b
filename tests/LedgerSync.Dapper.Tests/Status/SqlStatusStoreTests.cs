using Dapper;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Status;
using LedgerSync.Status;
using LedgerSync.Testing.Status;

namespace LedgerSync.Tests.Status;

/// <summary>The status-store contract plus the SQL specifics (columns, schema version, run history, atomic writes) on one dialect.</summary>
public abstract class SqlStatusStoreTests(SqlDialect dialect) : StatusStoreContractTests
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

    protected override async Task<IStatusStore> CreateStoreAsync(TimeProvider time)
    {
        await _database.ResetAsync();
        return new SqlStatusStore(dialect, _database.CreateConnection, time);
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
        Assert.That(await connection.ExecuteScalarAsync<int>("SELECT version FROM LEDGERSYNC_SCHEMA_VERSION WHERE component = 'reconciliation'"), Is.EqualTo(LedgerSync.Dapper.Schema.ReconciliationSchema.CurrentVersion));
    }

    [Test]
    public async Task EnsureSchemaAsync_SecondStoreOnSameDatabase_IsHarmless()
    {
        await ((SqlStatusStore)Store).EnsureSchemaAsync();
        var second = new SqlStatusStore(dialect, _database.CreateConnection, Time);

        await second.EnsureSchemaAsync();
        await new ReconciliationStatusRecorder(second).RecordStartedAsync(B, true, Guid.NewGuid(), T0);

        Assert.That(await Store.GetAsync(B, true), Is.Not.Null);
    }

    [Test]
    public async Task UpdateAsync_RunTransitions_StoreTimesAsUnixMillisAndAppendHistory()
    {
        var run = Guid.NewGuid();
        await Recorder.RecordStartedAsync(B, true, run, Time.GetUtcNow());
        Time.Advance(TimeSpan.FromSeconds(2));
        await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(B, true, run, ReconciliationState.DifferencesFound, Time.GetUtcNow(), RandomIds(3, seed: 1)));
        await Recorder.RefreshAsync(_ => true);
        await Recorder.RecordStartedAsync(B, true, Guid.NewGuid(), Time.GetUtcNow());

        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT last_successful_reconciliation_time_finished FROM CR_RECONCILIATION_STATUS"), Is.EqualTo(T0.AddSeconds(2).ToUnixTimeMilliseconds()));
        var history = (await connection.QueryAsync<(string Run, string Status, long RecordedAt, int Differences)>(
            "SELECT run_id, status, recorded_at, differences FROM CR_RECONCILIATION_RUN_HISTORY ORDER BY id")).ToList();
        Assert.That(history.Select(h => (h.Status, h.RecordedAt, h.Differences)), Is.EqualTo(new[]
        {
            ("IN_PROGRESS", T0.ToUnixTimeMilliseconds(), 0),
            ("DIFFERENCES_FOUND", T0.AddSeconds(2).ToUnixTimeMilliseconds(), 3),
            ("IN_PROGRESS", T0.AddSeconds(2).ToUnixTimeMilliseconds(), 0),
        }), "a refresh appends no history");
        Assert.That(history[0].Run, Is.EqualTo(run.ToString()));
    }

    [Test]
    public async Task UpdateAsync_FailedRun_HistoryKeepsTheError()
    {
        await FinishAsync(B, false, ReconciliationState.Failed, []);

        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        Assert.That(await connection.QueryAsync<string?>("SELECT error FROM CR_RECONCILIATION_RUN_HISTORY ORDER BY id"), Is.EqualTo(new string?[] { null, "failed" }));
    }

    [Test]
    public async Task UpdateAsync_DatabaseFailsMidWrite_LeavesPreviousRowIntact()
    {
        var before = await FinishAsync(B, true, ReconciliationState.DifferencesFound, RandomIds(3, seed: 11));
        await InstallFailingHistoryTriggerAsync();

        Assert.That(
            async () => await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(B, true, Guid.NewGuid(), ReconciliationState.Failed, T0.AddHours(1), Error: "never stored")),
            Throws.Exception.With.Message.Contains("simulated disk failure"));
        Assert.That(
            async () => await Recorder.RecordStartedAsync(B, true, Guid.NewGuid(), T0.AddHours(2)),
            Throws.Exception.With.Message.Contains("simulated disk failure"));
        Assert.That(
            async () => await Recorder.RecordStartedAsync(C, true, Guid.NewGuid(), T0.AddHours(2)),
            Throws.Exception.With.Message.Contains("simulated disk failure"));

        Assert.That(await Store.GetAsync(B, true), Is.EqualTo(before));
        Assert.That(await Store.GetAsync(C, true), Is.Null, "no half-written new row");
    }

    [Test]
    public async Task UpdateAsync_TwoStoresOnOneDatabase_LoseNoUpdate()
    {
        // Two node instances sharing the database, each with its own store, appending to one row at once.
        await using var dataSource = _database.CreateDataSource();
        var other = new SqlStatusStore(dialect, dataSource);
        var ids = RandomIds(20, seed: 12);

        await Task.WhenAll(ids.Select((id, i) => Task.Run(() => (i % 2 == 0 ? Store : other).UpdateAsync(B, true, current =>
            (current ?? Row(B, true)) with { LastSuccessfulReconciliationResult = [.. (current?.LastSuccessfulReconciliationResult ?? []).Append(id)] }))));

        Assert.That((await other.GetAsync(B, true))!.LastSuccessfulReconciliationResult, Is.EquivalentTo(ids));
    }

    [Test]
    public async Task Constructor_DataSource_ReadsWhatTheFactoryStoreWrote()
    {
        var written = await FinishAsync(B, true, ReconciliationState.DifferencesFound, RandomIds(2, seed: 13));
        await using var dataSource = _database.CreateDataSource();

        var store = new SqlStatusStore(dialect, dataSource);

        Assert.That(await store.GetAsync(B, true), Is.EqualTo(written));
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
            var fresh = new SqlStatusStore(dialect, _database.CreateConnection, Time);
            Assert.That(async () => await fresh.EnsureSchemaAsync(), Throws.InstanceOf<LedgerSyncException>().With.Message.Contains("99").And.Message.Contains("Upgrade"));
        }
        finally
        {
            await using var connection = _database.CreateConnection();
            await connection.OpenAsync();
            await connection.ExecuteAsync("UPDATE LEDGERSYNC_SCHEMA_VERSION SET version = " + LedgerSync.Dapper.Schema.ReconciliationSchema.CurrentVersion + " WHERE component = 'reconciliation'");
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
