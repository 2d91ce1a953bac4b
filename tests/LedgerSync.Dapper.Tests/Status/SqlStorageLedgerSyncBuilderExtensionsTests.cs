using System.Data.Common;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Scheduling;
using LedgerSync.Dapper.Status;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LedgerSync.Tests.Status;

[TestFixture]
public sealed class SqlStorageLedgerSyncBuilderExtensionsTests
{
    private static readonly PartyName Local = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName B = PartyName.Parse("O=PartyB, L=London, C=GB");

    private string _path = null!;

    [SetUp]
    public void SetUp() => _path = Path.Combine(Path.GetTempPath(), $"ledgersync-di-{Guid.NewGuid():N}.db");

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    [Test]
    public async Task UseSqlStatusStore_ConnectionFactory_RegistersOnlyTheStatusStore()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.LocalParty = Local).UseSqlStatusStore(SqlDialect.Sqlite, Connect);

        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IStatusStore>(), Is.TypeOf<SqlStatusStore>());
        Assert.That(provider.GetRequiredService<IReconciliationJobStore>(), Is.TypeOf<InMemoryReconciliationJobStore>());
    }

    [Test]
    public async Task UseSqlStorage_ConnectionFactory_RegistersStatusAndJobStoresOnce()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.LocalParty = Local).UseSqlStorage(SqlDialect.Sqlite, Connect).UseSqlStorage(SqlDialect.Sqlite, Connect);

        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IStatusStore>(), Is.TypeOf<SqlStatusStore>());
        Assert.That(provider.GetRequiredService<IReconciliationJobStore>(), Is.TypeOf<SqlReconciliationJobStore>());
        Assert.That(services.Count(d => d.ServiceType == typeof(IStatusStore)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IReconciliationJobStore)), Is.EqualTo(1));
    }

    [Test]
    public async Task UseSqlStorage_DataSource_StoresStatusesInItsDatabase()
    {
        await using var dataSource = SqliteFactory.Instance.CreateDataSource($"Data Source={_path}");
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.LocalParty = Local).UseSqlStorage(SqlDialect.Sqlite, dataSource);
        await using var provider = services.BuildServiceProvider();

        await new ReconciliationStatusRecorder(provider.GetRequiredService<IStatusStore>()).RecordStartedAsync(B, true, Guid.NewGuid(), DateTimeOffset.UnixEpoch);

        Assert.That((await new SqlStatusStore(SqlDialect.Sqlite, Connect).GetAsync(B, true))!.LastReconciliationStatus, Is.EqualTo(ReconciliationState.InProgress));
        Assert.That(provider.GetRequiredService<IReconciliationJobStore>(), Is.TypeOf<SqlReconciliationJobStore>());
    }

    [Test]
    public async Task UseSqlStatusStore_DataSourceThenDecorate_DecoratorWrapsTheSqlStore()
    {
        await using var dataSource = SqliteFactory.Instance.CreateDataSource($"Data Source={_path}");
        var services = new ServiceCollection();
        IStatusStore? wrapped = null;
        services.AddLedgerSync(o => o.LocalParty = Local)
            .UseSqlStatusStore(SqlDialect.Sqlite, dataSource)
            .DecorateStatusStore((_, inner) => wrapped = inner);

        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStatusStore>();

        Assert.That(wrapped, Is.TypeOf<SqlStatusStore>());
    }

    [Test]
    public void UseSqlStorage_NullArguments_Throw()
    {
        var builder = new ServiceCollection().AddLedgerSync(o => o.LocalParty = Local);

        Assert.That(() => builder.UseSqlStorage(SqlDialect.Sqlite, (Func<DbConnection>)null!), Throws.ArgumentNullException);
        Assert.That(() => builder.UseSqlStorage(SqlDialect.Sqlite, (DbDataSource)null!), Throws.ArgumentNullException);
        Assert.That(() => builder.UseSqlStatusStore(SqlDialect.Sqlite, (DbDataSource)null!), Throws.ArgumentNullException);
    }

    private SqliteConnection Connect() => new($"Data Source={_path}");
}
