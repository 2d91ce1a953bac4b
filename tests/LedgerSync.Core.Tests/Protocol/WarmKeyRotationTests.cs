using LedgerSync.Protocol;
using LedgerSync.Sketches;
using LedgerSync.Testing;
using LedgerSync.Transport;

namespace LedgerSync.Tests.Protocol;

/// <summary>
/// The responder's sketch key for a counterparty stays while runs succeed (the encoder stays warm) and changes after a
/// run that could not use it: the requester rejected the key, or the symbols did not decode within the limits. So no
/// failure repeats under the same key.
/// </summary>
public sealed class WarmKeyRotationTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");

    private InMemoryNetwork _network = null!;
    private ProtocolNode _b = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new InMemoryNetwork();
        _b = new ProtocolNode(_network, PartyB, configure: o => o.MaxNumberOfIbfFilterFlows = 2);
        var random = new Random(2);
        _b.Fake.Add(PartyA, Enumerable.Range(0, 300).Select(_ => TransactionId.Random(random)));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _network.WhenHandlersIdleAsync();
        Assert.That(_network.GetHandlerFaults(), Is.Empty, "a responder crashed");
        await _network.DisposeAsync();
    }

    [Test]
    public async Task RespondAsync_RunsThatEndWell_KeepTheKey()
    {
        var first = await AcceptedKeyAsync(async session => await session.SendAsync(ProtocolCodec.EncodeAbort(AbortCode.Failed, "stopped")));
        var second = await AcceptedKeyAsync(async session => await session.SendAsync(ProtocolCodec.EncodeAbort(AbortCode.Failed, "stopped")));

        Assert.That(second, Is.EqualTo(first), "a run the requester simply stopped leaves the encoder warm");
    }

    [Test]
    public async Task RespondAsync_RequesterRejectsTheKey_NextRunGetsANewOne()
    {
        var rejected = await AcceptedKeyAsync(async session => await session.SendAsync(ProtocolCodec.EncodeAbort(AbortCode.KeyRejected, "two IDs share a short ID")));
        var next = await AcceptedKeyAsync(async session => await session.SendAsync(ProtocolCodec.EncodeAbort(AbortCode.Failed, "stopped")));

        Assert.That(next, Is.Not.EqualTo(rejected));
    }

    [Test]
    public async Task RespondAsync_SymbolsDoNotDecodeWithinTheRounds_NextRunGetsANewOne()
    {
        var random = new Random(3);
        var undecodable = await AcceptedKeyAsync(async session =>
        {
            // Random symbols never peel: two rounds (the limit here), the second to the cap, then the responder gives up.
            long next = 0;
            var roundEnd = SymbolFlowPolicy.FirstBurst(10, _b.Fake.GetRelevantSet(PartyA).Count);
            for (var round = 0; round < 2; round++)
            {
                while (next < roundEnd)
                {
                    var symbols = Enumerable.Range(0, (int)Math.Min(64, roundEnd - next))
                        .Select(_ => new CodedSymbol(new TransactionId((ulong)random.NextInt64() | 1, 0, 0, 0), (uint)random.Next(1, 1 << 16), 0)).ToArray();
                    await session.SendAsync(ProtocolCodec.EncodeSymbols(roundEnd, next, symbols));
                    next += symbols.Length;
                }

                var answer = (await session.ReceiveAsync())!.Value;
                if (ProtocolCodec.PeekType(answer.Span) != ProtocolMessageType.Credit)
                {
                    var (code, reason) = ProtocolCodec.DecodeAbort(answer.Span);
                    Assert.That(code, Is.EqualTo(AbortCode.LimitExceeded), reason);
                    return;
                }

                roundEnd = ProtocolCodec.DecodeCredit(answer.Span, out _);
            }

            Assert.Fail("the responder asked for a third round past maxNumberOfIbfFilterFlows = 2");
        });
        var next = await AcceptedKeyAsync(async session => await session.SendAsync(ProtocolCodec.EncodeAbort(AbortCode.Failed, "stopped")));

        Assert.That(next, Is.Not.EqualTo(undecodable));
    }

    /// <summary>Says hello as A with 10 transactions, reads the acceptance's key, then runs <paramref name="script"/> and waits for the responder to finish.</summary>
    private async Task<SketchKey> AcceptedKeyAsync(Func<IPeerSession, Task> script)
    {
        await using (var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB))
        {
            await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 10)));
            var accepted = ProtocolCodec.DecodeAccepted((await session.ReceiveAsync())!.Value.Span, PartyB);
            await script(session);
            await session.CompleteAsync();
            await _network.WhenHandlersIdleAsync();
            return accepted.Key;
        }
    }
}
