using LedgerSync.Testing.PostgreSql;

namespace LedgerSync.Tests.PostgreSql;

[TestFixture]
public sealed class PostgreSqlTestPolicyTests
{
    [TestCase("true")]
    [TestCase("TRUE")]
    [TestCase("True")]
    [TestCase("1")]
    [TestCase("yes")]
    [TestCase(" true ")]
    public void Decide_CiOn_Fails(string ci)
    {
        Assert.That(PostgreSqlTestPolicy.Decide(Env(("CI", ci))), Is.EqualTo(PostgreSqlUnavailableAction.Fail));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("false")]
    [TestCase("0")]
    [TestCase("no")]
    [TestCase("ture")]
    public void Decide_CiOffAndNoServerNamed_Skips(string? ci)
    {
        Assert.That(PostgreSqlTestPolicy.Decide(Env(("CI", ci))), Is.EqualTo(PostgreSqlUnavailableAction.Skip));
    }

    [Test]
    public void Decide_ServerNamedButUnusable_FailsEvenOffCi()
    {
        var environment = Env((PostgreSqlTestServer.EnvironmentVariable, "Host=127.0.0.1;Port=1;Username=postgres"));

        Assert.That(PostgreSqlTestPolicy.Decide(environment), Is.EqualTo(PostgreSqlUnavailableAction.Fail));
    }

    [Test]
    public void Decide_BlankServerVariable_Skips()
    {
        Assert.That(PostgreSqlTestPolicy.Decide(Env((PostgreSqlTestServer.EnvironmentVariable, "  "))), Is.EqualTo(PostgreSqlUnavailableAction.Skip));
    }

    [Test]
    public void Message_FailUnderCi_SaysWhyItFailsAndKeepsTheReason()
    {
        var environment = Env(("CI", "true"));

        var message = PostgreSqlTestPolicy.Message(PostgreSqlUnavailableAction.Fail, "No PostgreSQL server binaries were found. To run the PostgreSQL tests, install ...", environment);

        Assert.That(message, Does.StartWith("CI=true: the PostgreSQL tests must run here"));
        Assert.That(message, Does.EndWith("No PostgreSQL server binaries were found. To run the PostgreSQL tests, install ..."));
    }

    [Test]
    public void Message_FailForNamedServer_NamesTheVariable()
    {
        var environment = Env((PostgreSqlTestServer.EnvironmentVariable, "Host=db"));

        Assert.That(PostgreSqlTestPolicy.Message(PostgreSqlUnavailableAction.Fail, "refused", environment),
            Is.EqualTo($"{PostgreSqlTestServer.EnvironmentVariable} is set, but that server could not be used. refused"));
    }

    [Test]
    public void Message_Skip_IsTheReasonWithItsHowTo()
    {
        Assert.That(PostgreSqlTestPolicy.Message(PostgreSqlUnavailableAction.Skip, "reason and how to enable", Env()), Is.EqualTo("reason and how to enable"));
    }

    private static Func<string, string?> Env(params (string Name, string? Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();
}
