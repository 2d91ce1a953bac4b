using System.Data.Common;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Status;
using Microsoft.Data.Sqlite;

namespace LedgerSync.Tests.Status;

/// <summary>The two constructors of <see cref="SqlStatusStore"/> check their arguments before anything touches a database.</summary>
[TestFixture]
public sealed class SqlStatusStoreConstructorTests
{
    [Test]
    public void Constructor_NullConnectionFactory_ThrowsArgumentNullNamingIt()
    {
        Assert.That(
            () => new SqlStatusStore(SqlDialect.Sqlite, (Func<DbConnection>)null!),
            Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("connectionFactory"));
    }

    [Test]
    public void Constructor_NullDataSource_ThrowsArgumentNullNamingIt()
    {
        Assert.That(
            () => new SqlStatusStore(SqlDialect.Sqlite, (DbDataSource)null!),
            Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("dataSource"));
    }

    [Test]
    public void Constructor_UnknownDialect_ThrowsArgumentOutOfRangeOnBothConstructors()
    {
        using var dataSource = SqliteFactory.Instance.CreateDataSource("Data Source=:memory:");

        Assert.That(
            () => new SqlStatusStore((SqlDialect)99, () => new SqliteConnection("Data Source=:memory:"), TimeProvider.System, logger: null),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("dialect"));
        Assert.That(
            () => new SqlStatusStore((SqlDialect)99, dataSource),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("dialect"));
    }
}
