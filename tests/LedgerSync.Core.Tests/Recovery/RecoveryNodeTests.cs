using LedgerSync.Transport;

namespace LedgerSync.Tests.Recovery;

/// <summary>
/// The fixture shared by the recovery tests that run whole nodes on one in-memory network in real time: the parties,
/// a fresh network per test, and the nodes a test started, disposed after it.
/// </summary>
public abstract class RecoveryNodeTests
{
    /// <summary>The requester in most tests (the node that lost transactions).</summary>
    protected static readonly PartyName A = PartyName.Parse("O=PartyA, L=London, C=GB");

    /// <summary>The responder in most tests.</summary>
    protected static readonly PartyName B = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");

    /// <summary>A third party, whose business with B is never A's to see.</summary>
    protected static readonly PartyName C = PartyName.Parse("O=PartyC, L=Paris, C=FR");

    /// <summary>This test's network.</summary>
    private protected InMemoryNetwork Network { get; private set; } = null!;

    /// <summary>The nodes this test started; each is disposed after the test.</summary>
    private protected List<RecoveryTestNode> Nodes { get; private set; } = null!;

    [SetUp]
    public void SetUpNetwork()
    {
        Network = new InMemoryNetwork();
        Nodes = [];
    }

    [TearDown]
    public async Task TearDownNodes()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        await Network.DisposeAsync();
    }
}
