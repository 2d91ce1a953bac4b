using LedgerSync.Dapper;
using LedgerSync.Dapper.Recovery;
using LedgerSync.Recovery;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LedgerSync.Tests.Recovery;

[TestFixture]
public sealed class SqlRecoveryLedgerSyncBuilderExtensionsTests
{
    private static readonly PartyName Local = PartyName.Parse("O=PartyA, L=London, C=GB");

    private string _path = null!;

    [SetUp]
    public void SetUp() => _path = Path.Combine(Path.GetTempPath(), $"ledgersync-recovery-di-{Guid.NewGuid():N}.db");

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    [Test]
    public async Task UseSqlStorage_RegistersTheSqlRecoveryStoreOnce()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.LocalParty = Local).UseSqlStorage(SqlDialect.Sqlite, Connect).UseSqlStorage(SqlDialect.Sqlite, Connect);

        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IRecoveryStore>(), Is.TypeOf<SqlRecoveryStore>());
        Assert.That(services.Count(d => d.ServiceType == typeof(IRecoveryStore)), Is.EqualTo(1));
    }

    [Test]
    public async Task UseSqlRecoveryStore_DataSource_KeepsRecoveriesInItsDatabase()
    {
        await using var dataSource = SqliteFactory.Instance.CreateDataSource($"Data Source={_path}");
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.LocalParty = Local).UseSqlRecoveryStore(SqlDialect.Sqlite, dataSource);
        await using var provider = services.BuildServiceProvider();
        var recovery = new RecoveryStatus
        {
            RecoveryId = Guid.NewGuid(),
            PartyName = PartyName.Parse("O=PartyB, L=London, C=GB"),
            State = RecoveryState.Queued,
            RequestedCount = 1,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
        };

        await provider.GetRequiredService<IRecoveryStore>().TryAddAsync(recovery, [TransactionId.HashOf([1])]);

        var reopened = new SqlRecoveryStore(SqlDialect.Sqlite, Connect);
        Assert.That((await reopened.GetAsync(recovery.RecoveryId))?.State, Is.EqualTo(RecoveryState.Queued));
    }

    [Test]
    public async Task UseSqlTransactionPayloadSourceAndSink_RegisterTheGenericTablePlugIns()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.LocalParty = Local)
            .UseSqlTransactionPayloadSource(o =>
            {
                o.ConnectionFactory = Connect;
                o.Table = "ledger_transactions";
            })
            .UseSqlRecoveredTransactionSink(o =>
            {
                o.ConnectionFactory = Connect;
                o.Table = "ledger_transactions";
            });

        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ITransactionPayloadSource>(), Is.TypeOf<SqlTransactionPayloadSource>());
        Assert.That(provider.GetRequiredService<IRecoveredTransactionSink>(), Is.TypeOf<SqlRecoveredTransactionSink>());
    }

    [Test]
    public void UseSqlTransactionPayloadSource_IncompleteOptions_ThrowsAtRegistration()
    {
        var builder = new ServiceCollection().AddLedgerSync(o => o.LocalParty = Local);

        Assert.That(() => builder.UseSqlTransactionPayloadSource(o => o.Table = "t"), Throws.ArgumentException.With.Message.Contains("ConnectionFactory"));
    }

    private SqliteConnection Connect() => new($"Data Source={_path}");
}
