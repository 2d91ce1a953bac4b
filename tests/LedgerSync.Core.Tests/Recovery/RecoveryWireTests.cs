using System.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Recovery;

namespace LedgerSync.Tests.Recovery;

/// <summary>The recovery codec and the sliding windows: round trips, and random damage from fixed seeds never escaping as anything but a protocol error.</summary>
[TestFixture]
public sealed class RecoveryWireTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    private static IEnumerable<byte[]> ValidMessages()
    {
        var random = new Random(16);
        var ids = Enumerable.Range(0, 30).Select(_ => TransactionId.Random(random)).ToArray();
        yield return RecoveryCodec.EncodeHello(new RecoveryHelloMessage(RecoveryCodec.CurrentVersion, 65536));
        yield return RecoveryCodec.EncodeHello(new RecoveryHelloMessage(RecoveryCodec.CurrentVersion, 65536, new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded)));
        yield return RecoveryCodec.EncodeAccepted(new RecoveryAcceptedMessage(30, 3_000_000, TimeSpan.FromHours(1), 30, TimeSpan.FromHours(1), 1234, 7));
        yield return RecoveryCodec.EncodeRefused(new RecoveryRefusedMessage(RecoveryRefusalReason.RateLimited, TimeSpan.FromMinutes(3), "at most 30"));
        yield return RecoveryCodec.EncodeRequest(ids);
        yield return RecoveryCodec.EncodePayload(ids[0], 500, new byte[200]);
        yield return RecoveryCodec.EncodeChunk(new byte[300]);
        yield return RecoveryCodec.EncodeItemRefused(ids[1], RecoveryItemRefusal.TooLarge);
        yield return RecoveryCodec.EncodeBatchEnd(new RecoveryBatchEndMessage(12, RecoveryLimitKind.Size, TimeSpan.FromSeconds(42)));
        yield return RecoveryCodec.EncodeAbort("stop");
    }

    private static void DecodeAny(byte[] message)
    {
        switch (RecoveryCodec.PeekType(message))
        {
            case ProtocolMessageType.RecoveryHello: RecoveryCodec.DecodeHello(message); break;
            case ProtocolMessageType.RecoveryAccepted: RecoveryCodec.DecodeAccepted(message); break;
            case ProtocolMessageType.RecoveryRefused: RecoveryCodec.DecodeRefused(message); break;
            case ProtocolMessageType.RecoveryRequest: RecoveryCodec.DecodeRequest(message, 30); break;
            case ProtocolMessageType.RecoveryPayload: RecoveryCodec.DecodePayload(message, 3_000_000); break;
            case ProtocolMessageType.RecoveryPayloadChunk: RecoveryCodec.DecodeChunk(message, 300); break;
            case ProtocolMessageType.RecoveryItemRefused: RecoveryCodec.DecodeItemRefused(message); break;
            case ProtocolMessageType.RecoveryBatchEnd: RecoveryCodec.DecodeBatchEnd(message); break;
            default: RecoveryCodec.DecodeAbort(message); break;
        }
    }

    [Test]
    public void Codec_ValidMessages_RoundTrip()
    {
        var random = new Random(16);
        var ids = Enumerable.Range(0, 30).Select(_ => TransactionId.Random(random)).ToArray();

        Assert.That(RecoveryCodec.DecodeHello(RecoveryCodec.EncodeHello(new RecoveryHelloMessage(RecoveryCodec.CurrentVersion, 65536))), Is.EqualTo(new RecoveryHelloMessage(RecoveryCodec.CurrentVersion, 65536)));
        var trace = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        Assert.That(RecoveryCodec.DecodeHello(RecoveryCodec.EncodeHello(new RecoveryHelloMessage(RecoveryCodec.CurrentVersion, 65536, trace))).TraceContext, Is.EqualTo(trace));
        Assert.That(RecoveryCodec.DecodeRequest(RecoveryCodec.EncodeRequest(ids), 30), Is.EqualTo(ids));
        var accepted = new RecoveryAcceptedMessage(30, 3_000_000, TimeSpan.FromHours(1), 30, TimeSpan.FromMinutes(5), 1234, 7);
        Assert.That(RecoveryCodec.DecodeAccepted(RecoveryCodec.EncodeAccepted(accepted)), Is.EqualTo(accepted));
        var end = new RecoveryBatchEndMessage(12, RecoveryLimitKind.Size, TimeSpan.FromSeconds(42));
        Assert.That(RecoveryCodec.DecodeBatchEnd(RecoveryCodec.EncodeBatchEnd(end)), Is.EqualTo(end));
        var payload = RecoveryCodec.DecodePayload(RecoveryCodec.EncodePayload(ids[0], 500, Enumerable.Range(0, 200).Select(i => (byte)i).ToArray()), 3_000_000);
        Assert.That((payload.Id, payload.Length, payload.FirstChunk.ToArray()), Is.EqualTo((ids[0], 500L, Enumerable.Range(0, 200).Select(i => (byte)i).ToArray())));
        Assert.That(RecoveryCodec.DecodeItemRefused(RecoveryCodec.EncodeItemRefused(ids[1], RecoveryItemRefusal.NotServed)), Is.EqualTo((ids[1], RecoveryItemRefusal.NotServed)));
    }

    [Test]
    public void Codec_RequestOverTheLimit_RejectedBeforeAllocating()
    {
        var ids = Enumerable.Range(0, 31).Select(i => TransactionId.HashOf([(byte)i])).ToArray();

        Assert.That(() => RecoveryCodec.DecodeRequest(RecoveryCodec.EncodeRequest(ids), 30), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("more than the maximum of 30"));
        Assert.That(() => RecoveryCodec.DecodeRequest(RecoveryCodec.EncodeRequest([]), 30), Throws.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public void Codec_RandomlyDamagedMessages_OnlyEverThrowProtocolExceptions()
    {
        var random = new Random(2026);
        var messages = ValidMessages().ToList();
        var rejected = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var message = (byte[])messages[random.Next(messages.Count)].Clone();
            switch (random.Next(3))
            {
                case 0:
                    message = message[..random.Next(message.Length)];
                    break;
                case 1:
                    message[random.Next(message.Length)] = (byte)random.Next(256);
                    break;
                default:
                    message = [.. message, .. Enumerable.Range(0, random.Next(1, 8)).Select(_ => (byte)random.Next(256))];
                    break;
            }

            try
            {
                DecodeAny(message);
            }
            catch (LedgerSyncProtocolException)
            {
                rejected++;
            }
        }

        Assert.That(rejected, Is.GreaterThan(10_000), "most damage is detected");
    }

    [Test]
    public void Budget_RandomTakes_NoWindowEverHoldsMoreThanTheLimit()
    {
        var random = new Random(7);
        var window = TimeSpan.FromMinutes(10);
        const long limit = 1000;
        var budget = new SlidingWindowBudget();
        var taken = new List<(DateTimeOffset At, long Amount)>();
        var now = T0;
        for (var i = 0; i < 5_000; i++)
        {
            now += TimeSpan.FromSeconds(random.Next(0, 30));
            var amount = random.Next(1, 200);
            if (budget.TryTake(amount, limit, window, now))
            {
                taken.Add((now, amount));
            }
            else
            {
                var wait = budget.WaitFor(amount, limit, window, now);
                Assert.That(wait, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(window + TimeSpan.FromSeconds(11)));
                Assert.That(budget.TryTake(amount, limit, window, now + wait), Is.True, "after the wait it fits");
                now += wait;
                taken.Add((now, amount));
            }

            var inWindow = taken.Where(t => t.At > now - window).Sum(t => t.Amount);
            Assert.That(inWindow, Is.LessThanOrEqualTo(limit), $"step {i}");
        }
    }

    [Test]
    public void Budget_AmountOverTheLimit_NeverFitsAndWaitsAWholeWindow()
    {
        var budget = new SlidingWindowBudget();

        Assert.That(budget.TryTake(11, 10, TimeSpan.FromMinutes(1), T0), Is.False);
        Assert.That(budget.WaitFor(11, 10, TimeSpan.FromMinutes(1), T0), Is.EqualTo(TimeSpan.FromMinutes(1)));
    }
}
