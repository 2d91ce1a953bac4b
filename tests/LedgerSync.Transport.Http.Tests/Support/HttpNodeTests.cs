namespace LedgerSync.Tests.Support;

/// <summary>
/// The fixture shared by tests that run whole nodes over real HTTPS: a fresh test PKI per test, and the nodes a test
/// started, disposed after it (newest first) before the PKI.
/// </summary>
public abstract class HttpNodeTests
{
    /// <summary>How long a step over real HTTPS may take on a loaded machine before the test fails.</summary>
    protected static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    /// <summary>This test's certificate authority.</summary>
    private protected TestPki Pki { get; private set; } = null!;

    /// <summary>The nodes this test started; each is disposed after the test.</summary>
    private protected List<HttpNode> Nodes { get; } = [];

    [SetUp]
    public void SetUpPki()
    {
        Pki = new TestPki();
        Nodes.Clear();
    }

    [TearDown]
    public async Task TearDownNodes()
    {
        foreach (var node in Enumerable.Reverse(Nodes))
        {
            await node.DisposeAsync();
        }

        Pki.Dispose();
    }
}
