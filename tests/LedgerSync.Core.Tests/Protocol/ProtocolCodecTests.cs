using System.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Sketches;

namespace LedgerSync.Tests.Protocol;

/// <summary>The wire form of every protocol-version-4 message: round trips over many random cases, and rejection of malformed ones.</summary>
public sealed class ProtocolCodecTests
{
    private const int Cases = 300;
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");

    [TestCase(0L)]
    [TestCase(1L)]
    [TestCase(1_000_000L)]
    [TestCase((long)int.MaxValue)]
    public void Hello_WithoutTraceContext_IsTypeVersionAndSizeOnly(long setSize)
    {
        var bytes = ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, setSize));

        Assert.That(bytes, Has.Length.EqualTo(2 + WireWriter.GetVarUInt64Size((ulong)setSize)));
        Assert.That(ProtocolCodec.DecodeHello(bytes), Is.EqualTo(new HelloMessage(ProtocolCodec.CurrentVersion, setSize)));
    }

    [Test]
    public void Hello_WithTraceContext_RoundTripsAsARemoteContext()
    {
        var random = new Random(5);
        var traceBytes = new byte[16];
        var spanBytes = new byte[8];
        for (var trial = 0; trial < 100; trial++)
        {
            random.NextBytes(traceBytes);
            random.NextBytes(spanBytes);
            traceBytes[0] |= 1;
            spanBytes[0] |= 1;
            var flags = trial % 2 == 0 ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
            var context = new ActivityContext(ActivityTraceId.CreateFromBytes(traceBytes), ActivitySpanId.CreateFromBytes(spanBytes), flags);
            var size = random.NextInt64(0, int.MaxValue);

            var bytes = ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, size, context));
            var hello = ProtocolCodec.DecodeHello(bytes);

            Assert.That(bytes, Has.Length.EqualTo(2 + WireWriter.GetVarUInt64Size((ulong)size) + ProtocolCodec.TraceContextSize));
            Assert.That(hello.SetSize, Is.EqualTo(size));
            Assert.That(hello.TraceContext, Is.Not.Null);
            var decoded = hello.TraceContext!.Value;
            Assert.That((decoded.TraceId, decoded.SpanId, decoded.TraceFlags, decoded.IsRemote), Is.EqualTo((context.TraceId, context.SpanId, flags, true)));
        }
    }

    [Test]
    public void Hello_TraceContextTruncatedZeroOrUnknown_IsAProtocolError()
    {
        var context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var good = ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 100, context));
        var zeroTrace = (byte[])good.Clone();
        zeroTrace.AsSpan(4, 16).Clear();
        var unknownMarker = (byte[])good.Clone();
        unknownMarker[3] = 2;

        foreach (var bad in new[] { good[..^1], good[..4], zeroTrace, unknownMarker, [.. good, 0] })
        {
            Assert.That(() => ProtocolCodec.DecodeHello(bad), Throws.TypeOf<LedgerSyncProtocolException>(), Convert.ToHexString(bad));
        }
    }

    [TestCase(new byte[] { 1, 1, 0xE8, 0x07 }, 1)] // version 1: the set size followed
    [TestCase(new byte[] { 1, 2, 3, (byte)'O', (byte)'=', (byte)'A', 0xE8, 0x07 }, 2)] // version 2: a claimed identity, then the size
    [TestCase(new byte[] { 1, 3, 0xE8, 0x07, 9, 9, 9 }, 3)] // version 3, with bytes this version does not know
    [TestCase(new byte[] { 1, 0xFF, 0x01 }, 255)]
    public void DecodeHello_OtherVersion_ReadsOnlyTheVersion(byte[] hello, int version)
    {
        Assert.That(ProtocolCodec.DecodeHello(hello), Is.EqualTo(new HelloMessage(version, 0)));
    }

    [Test]
    public void Accepted_ManyRandomAcceptances_RoundTripWithAndWithoutEstimator()
    {
        var random = new Random(11);
        for (var trial = 0; trial < Cases; trial++)
        {
            var key = SketchKey.FromRandom(random);
            var size = trial < 4 ? new[] { 0L, 127L, 128L, int.MaxValue }[trial] : random.NextInt64(0, int.MaxValue);
            var estimator = trial % 2 == 0 ? null : ScriptedPeer.SomeEstimator(trial);

            var bytes = ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, key, size, estimator));
            var decoded = ProtocolCodec.DecodeAccepted(bytes, PartyB);

            Assert.That(bytes, Has.Length.EqualTo(2 + SketchKey.Size + WireWriter.GetVarUInt64Size((ulong)size) + (estimator is null ? 0 : DifferenceEstimator.EncodedSize)));
            Assert.That((decoded.Version, decoded.Key, decoded.SetSize), Is.EqualTo((ProtocolCodec.CurrentVersion, key, size)), $"trial {trial}");
            Assert.That(decoded.Estimator, Is.EqualTo(estimator), $"trial {trial}");
        }
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(6)]
    public void DecodeAccepted_OtherVersion_ThrowsUnsupportedProtocolVersion(int version)
    {
        var bytes = ProtocolCodec.EncodeAccepted(new AcceptedMessage(version, SketchKey.FromRandom(new Random(1)), 1000));

        Assert.That(() => ProtocolCodec.DecodeAccepted(bytes, PartyB),
            Throws.TypeOf<UnsupportedProtocolVersionException>()
                .With.Property(nameof(UnsupportedProtocolVersionException.PeerVersion)).EqualTo(version)
                .And.Property(nameof(UnsupportedProtocolVersionException.Party)).EqualTo(PartyB));
    }

    private static IEnumerable<TestCaseData> MalformedAcceptances()
    {
        var key = SketchKey.FromRandom(new Random(2));
        var plain = ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, key, 1000));
        var withEstimator = ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, key, 1000, ScriptedPeer.SomeEstimator(1)));
        byte[] hugeSize = [(byte)ProtocolMessageType.Accepted, ProtocolCodec.CurrentVersion, .. new byte[SketchKey.Size], 0xFF, 0xFF, 0xFF, 0xFF, 0x0F];
        yield return new TestCaseData(plain[..10]).SetName("DecodeAccepted_KeyTruncated_IsAProtocolError");
        yield return new TestCaseData(plain[..^1]).SetName("DecodeAccepted_SizeTruncated_IsAProtocolError");
        yield return new TestCaseData(withEstimator[..^1]).SetName("DecodeAccepted_EstimatorOneByteShort_IsAProtocolError");
        yield return new TestCaseData(plain.Concat(new byte[5]).ToArray()).SetName("DecodeAccepted_FiveTrailingBytes_IsAProtocolError");
        yield return new TestCaseData(withEstimator.Concat(new byte[1]).ToArray()).SetName("DecodeAccepted_ByteAfterTheEstimator_IsAProtocolError");
        yield return new TestCaseData(hugeSize).SetName("DecodeAccepted_SizePastIntMaxValue_IsAProtocolError");
    }

    [TestCaseSource(nameof(MalformedAcceptances))]
    public void DecodeAccepted_Malformed_IsAProtocolError(byte[] bytes)
    {
        Assert.That(() => ProtocolCodec.DecodeAccepted(bytes, PartyB), Throws.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public void Symbols_ManyRandomRuns_RoundTripWithTheirChecksumBitsAndRoundEnd()
    {
        var random = new Random(13);
        for (var trial = 0; trial < Cases; trial++)
        {
            // Runs that start before, at and after index 256, where symbols go from 11 to 10 bytes.
            var first = trial % 3 == 0 ? random.NextInt64(0, 300) : random.NextInt64(0, RatelessEncoder.MaxPrefixLength - 600);
            var symbols = RandomSymbols(random, first, random.Next(1, 600));
            var roundEnd = first + symbols.Length + (trial % 2 == 0 ? 0 : random.NextInt64(0, RatelessEncoder.MaxPrefixLength - first - symbols.Length));

            var bytes = ProtocolCodec.EncodeSymbols(roundEnd, first, symbols);
            var decoded = ProtocolCodec.DecodeSymbols(bytes, symbols.Length, out var decodedEnd, out var decodedFirst);

            Assert.That(bytes, Has.Length.EqualTo(1 + WireWriter.GetVarUInt64Size((ulong)roundEnd) + ShortSymbolCodec.GetEncodedSize(first, symbols.Length)));
            Assert.That((decodedEnd, decodedFirst), Is.EqualTo((roundEnd, first)), $"trial {trial}");
            Assert.That(decoded, Is.EqualTo(symbols), $"trial {trial}");
        }
    }

    [TestCase(0, 256, 256 * 11)]
    [TestCase(250, 12, (6 * 11) + (6 * 10))]
    [TestCase(255, 2, 11 + 10)]
    [TestCase(256, 1, 10)]
    [TestCase(100_000, 512, 512 * 10)]
    public void EncodeSymbols_AroundIndex256_ElevenBytesBeforeTenAfter(long first, int count, int symbolBytes)
    {
        var roundEnd = first + count;
        var symbols = RandomSymbols(new Random(17), first, count);

        var bytes = ProtocolCodec.EncodeSymbols(roundEnd, first, symbols);

        var header = 1 + WireWriter.GetVarUInt64Size((ulong)roundEnd) + WireWriter.GetVarUInt64Size((ulong)first) + WireWriter.GetVarUInt64Size((ulong)count);
        Assert.That(bytes, Has.Length.EqualTo(header + symbolBytes));
    }

    [Test]
    public void EncodeSymbols_ChecksumWiderThanTheWire_KeepsTwentyFourBitsBeforeIndex256AndSixteenAfter()
    {
        CodedSymbol[] symbols = [new(new TransactionId(0x0123_4567_89AB_CDEF, 0, 0, 0), 0xFFFF_FFFF, 0), new(new TransactionId(42, 0, 0, 0), 0xFFFF_FFFF, 0)];

        var decoded = ProtocolCodec.DecodeSymbols(ProtocolCodec.EncodeSymbols(300, 255, symbols), 2, out _, out _);

        Assert.That(decoded.Select(s => (s.Sum.Word0, s.Checksum)), Is.EqualTo(new[] { (0x0123_4567_89AB_CDEFUL, 0x00FF_FFFFu), (42UL, 0x0000_FFFFu) }));
    }

    private static IEnumerable<TestCaseData> MalformedSymbols()
    {
        var symbols = RandomSymbols(new Random(19), 0, 10);
        var good = ProtocolCodec.EncodeSymbols(10, 0, symbols);
        yield return new TestCaseData(good[..^1], 100).SetName("DecodeSymbols_LastSymbolTruncated_IsAProtocolError");
        yield return new TestCaseData(good[..3], 100).SetName("DecodeSymbols_OnlyTheHeader_IsAProtocolError");
        yield return new TestCaseData(good.Concat(new byte[1]).ToArray(), 100).SetName("DecodeSymbols_TrailingByte_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeSymbols(10, 0, []), 100).SetName("DecodeSymbols_EmptyRun_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeSymbols(9, 0, symbols), 100).SetName("DecodeSymbols_RunPastItsRoundEnd_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeSymbols(25, 20, symbols), 100).SetName("DecodeSymbols_RunStartingInsideItsRoundButEndingPastIt_IsAProtocolError");
        yield return new TestCaseData(good, 9).SetName("DecodeSymbols_MoreSymbolsThanAllowed_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeSymbols(RatelessEncoder.MaxPrefixLength + 1L, 0, symbols), 100)
            .SetName("DecodeSymbols_RoundEndPastTheLongestPrefix_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeSymbols(RatelessEncoder.MaxPrefixLength, RatelessEncoder.MaxPrefixLength - 5L, symbols), 100)
            .SetName("DecodeSymbols_RunPastTheLongestPrefix_IsAProtocolError");
        byte[] countWithoutBytes = [(byte)ProtocolMessageType.Symbols, 0xE8, 0x07, 0, 0xE8, 0x07, .. new byte[50]];
        yield return new TestCaseData(countWithoutBytes, 100_000).SetName("DecodeSymbols_CountLargerThanItsBytes_IsAProtocolError");
    }

    [TestCaseSource(nameof(MalformedSymbols))]
    public void DecodeSymbols_Malformed_IsAProtocolError(byte[] bytes, int maxSymbols)
    {
        Assert.That(() => ProtocolCodec.DecodeSymbols(bytes, maxSymbols, out _, out _), Throws.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public void DecodeSymbols_CountOfAMillionInFiftyBytes_RejectedBeforeAllocatingThem()
    {
        byte[] bytes = [(byte)ProtocolMessageType.Symbols, 0xC0, 0x84, 0x3D, 0, 0xC0, 0x84, 0x3D, .. new byte[50]];
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.That(() => ProtocolCodec.DecodeSymbols(bytes, RatelessEncoder.MaxPrefixLength, out _, out _), Throws.TypeOf<LedgerSyncProtocolException>());

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64 * 1024), "a million symbols would take 40 MB");
    }

    [Test]
    public void Credit_ManyRandomCredits_RoundTripWithAndWithoutEstimator()
    {
        var random = new Random(23);
        for (var trial = 0; trial < Cases; trial++)
        {
            var end = trial == 0 ? RatelessEncoder.MaxPrefixLength : random.NextInt64(0, RatelessEncoder.MaxPrefixLength);
            byte[] estimator = trial % 2 == 0 ? [] : ScriptedPeer.SomeFineEstimator(trial);

            var bytes = ProtocolCodec.EncodeCredit(end, estimator);
            var decoded = ProtocolCodec.DecodeCredit(bytes, out var decodedEstimator);

            Assert.That(bytes, Has.Length.EqualTo(1 + WireWriter.GetVarUInt64Size((ulong)end) + estimator.Length));
            Assert.That((decoded, decodedEstimator.ToArray()), Is.EqualTo((end, estimator)), $"trial {trial}");
        }
    }

    private static IEnumerable<TestCaseData> MalformedCredits()
    {
        var withEstimator = ProtocolCodec.EncodeCredit(1000, ScriptedPeer.SomeFineEstimator(3));
        yield return new TestCaseData(new byte[] { (byte)ProtocolMessageType.Credit }).SetName("DecodeCredit_NoRoundEnd_IsAProtocolError");
        yield return new TestCaseData(new byte[] { (byte)ProtocolMessageType.Credit, 0x80 }).SetName("DecodeCredit_RoundEndTruncated_IsAProtocolError");
        yield return new TestCaseData(withEstimator[..^1]).SetName("DecodeCredit_EstimatorOneByteShort_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeCredit(1000).Concat(new byte[5]).ToArray()).SetName("DecodeCredit_FiveBytesOfEstimator_IsAProtocolError");
        yield return new TestCaseData(withEstimator.Concat(new byte[1]).ToArray()).SetName("DecodeCredit_ByteAfterTheEstimator_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeCredit(1000, ScriptedPeer.SomeEstimator(3))).SetName("DecodeCredit_CompactEstimator_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeCredit(RatelessEncoder.MaxPrefixLength + 1L)).SetName("DecodeCredit_EndPastTheLongestPrefix_IsAProtocolError");
    }

    [TestCaseSource(nameof(MalformedCredits))]
    public void DecodeCredit_Malformed_IsAProtocolError(byte[] bytes)
    {
        Assert.That(() => ProtocolCodec.DecodeCredit(bytes, out _), Throws.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public void DifferenceEstimate_ManyRandomEstimators_RoundTripAndRejectAnyOtherLength()
    {
        var random = new Random(29);
        for (var trial = 0; trial < 50; trial++)
        {
            var estimator = new DifferenceEstimator();
            for (var i = random.Next(0, 2000); i > 0; i--)
            {
                estimator.Toggle((ulong)random.NextInt64());
            }

            var expected = new byte[DifferenceEstimator.EncodedSize];
            estimator.WriteTo(expected);

            var bytes = ProtocolCodec.EncodeDifferenceEstimate(estimator);

            Assert.That(bytes, Has.Length.EqualTo(1 + DifferenceEstimator.EncodedSize));
            Assert.That(ProtocolCodec.DecodeDifferenceEstimate(bytes).ToArray(), Is.EqualTo(expected), $"trial {trial}");
            var cut = bytes.Length - 1 - random.Next(0, 80);
            Assert.That(() => ProtocolCodec.DecodeDifferenceEstimate(bytes.AsSpan(0, cut)).ToArray(), Throws.TypeOf<LedgerSyncProtocolException>());
            Assert.That(() => ProtocolCodec.DecodeDifferenceEstimate([.. bytes, 0]).ToArray(), Throws.TypeOf<LedgerSyncProtocolException>());
        }
    }

    [Test]
    public void Result_ManyRandomResults_RoundTripCountsAndIds()
    {
        var random = new Random(31);
        for (var trial = 0; trial < Cases; trial++)
        {
            var total = random.NextInt64(0, trial % 5 == 0 ? int.MaxValue : 200);
            var ids = Ids(random, (int)Math.Min(total, random.Next(0, 50)));
            var requesterOnly = random.NextInt64(0, int.MaxValue);
            var used = random.NextInt64(0, RatelessEncoder.MaxPrefixLength);

            var bytes = ProtocolCodec.EncodeResult(total, requesterOnly, used, ids);
            var counts = ProtocolCodec.DecodeResult(bytes, out var idBytes);

            Assert.That(counts, Is.EqualTo((total, requesterOnly, used)), $"trial {trial}");
            Assert.That(ReadIds(idBytes), Is.EqualTo(ids), $"trial {trial}");
        }
    }

    private static IEnumerable<TestCaseData> MalformedResults()
    {
        var ids = Ids(new Random(37), 3);
        var good = ProtocolCodec.EncodeResult(3, 0, 10, ids);
        yield return new TestCaseData(good[..^1]).SetName("DecodeResult_IdBytesOneShortOfWholeIds_IsAProtocolError");
        yield return new TestCaseData(good.Concat(new byte[1]).ToArray()).SetName("DecodeResult_IdBytesOneOverWholeIds_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeResult(2, 0, 10, ids)).SetName("DecodeResult_MoreIdsThanAnnounced_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeResult(0, 0, 10, ids.AsSpan(..1))).SetName("DecodeResult_AnIdThoughNoneAnnounced_IsAProtocolError");
        yield return new TestCaseData(new byte[] { (byte)ProtocolMessageType.Result, 3, 0 }).SetName("DecodeResult_SymbolsUsedMissing_IsAProtocolError");
        yield return new TestCaseData(new byte[] { (byte)ProtocolMessageType.Result, 0x80 }).SetName("DecodeResult_TotalTruncated_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeResult(3, 0, RatelessEncoder.MaxPrefixLength + 1L, ids)).SetName("DecodeResult_SymbolsUsedPastTheLongestPrefix_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeResult(int.MaxValue + 1L, 0, 10, ids)).SetName("DecodeResult_TotalPastIntMaxValue_IsAProtocolError");
        yield return new TestCaseData(ProtocolCodec.EncodeResult(3, int.MaxValue + 1L, 10, ids)).SetName("DecodeResult_RequesterOnlyPastIntMaxValue_IsAProtocolError");
    }

    [TestCaseSource(nameof(MalformedResults))]
    public void DecodeResult_Malformed_IsAProtocolError(byte[] bytes)
    {
        Assert.That(() => ProtocolCodec.DecodeResult(bytes, out _), Throws.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public void ResultPart_ManyRandomParts_RoundTripIdsAndRejectNoneOrPartialIds()
    {
        var random = new Random(41);
        for (var trial = 0; trial < Cases; trial++)
        {
            var ids = Ids(random, random.Next(1, 100));

            var bytes = ProtocolCodec.EncodeResultPart(ids);

            Assert.That(bytes, Has.Length.EqualTo(1 + (ids.Length * TransactionId.Size)));
            Assert.That(ReadIds(ProtocolCodec.DecodeResultPart(bytes)), Is.EqualTo(ids), $"trial {trial}");
            var cut = bytes.Length - random.Next(1, TransactionId.Size);
            Assert.That(() => ProtocolCodec.DecodeResultPart(bytes.AsSpan(0, cut)).ToArray(), Throws.TypeOf<LedgerSyncProtocolException>());
        }

        Assert.That(() => ProtocolCodec.DecodeResultPart(ProtocolCodec.EncodeResultPart([])).ToArray(), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("no IDs"));
    }

    [TestCase((byte)AbortCode.ProtocolViolation, "bad symbols", 0L, 0L)]
    [TestCase((byte)AbortCode.LimitExceeded, "", 0L, 0L)]
    [TestCase((byte)AbortCode.MessageTooLarge, "too large", 20_000_000L, 10_485_760L)]
    public void Abort_RoundTripsCodeReasonAndSizes(byte abortCode, string reason, long size, long limit)
    {
        var code = (AbortCode)abortCode;
        var decoded = ProtocolCodec.DecodeAbort(ProtocolCodec.EncodeAbort(code, reason, size, limit), out var decodedSize, out var decodedLimit);

        Assert.That((decoded.Code, decoded.Reason, decodedSize, decodedLimit), Is.EqualTo((code, reason, size, limit)));
    }

    [Test]
    public void Refused_EveryReason_RoundTrips()
    {
        RefusedMessage[] refusals =
        [
            new(RefusalReason.Busy),
            new(RefusalReason.AlreadyResponding),
            new(RefusalReason.IdentityMismatch),
            new(RefusalReason.RateLimited, 30, TimeSpan.FromHours(1)),
            new(RefusalReason.UnsupportedVersion, ProtocolCodec.CurrentVersion),
            new(RefusalReason.NotReady, Detail: "its ledger graph is still initializing"),
        ];

        Assert.That(refusals.Select(r => ProtocolCodec.DecodeRefused(ProtocolCodec.EncodeRefused(r))), Is.EqualTo(refusals));
    }

    [TestCase((byte)ProtocolMessageType.Done)]
    [TestCase((byte)ProtocolMessageType.NextExchange)]
    [TestCase((byte)ProtocolMessageType.Granted)]
    public void DecodeCredit_VersionThreeMessage_IsAProtocolError(byte versionThreeType)
    {
        var type = (ProtocolMessageType)versionThreeType;
        byte[] message = [versionThreeType, 10, 0];

        Assert.That(ProtocolCodec.PeekType(message), Is.EqualTo(type), "the type is reserved, not unknown");
        Assert.That(() => ProtocolCodec.DecodeCredit(message, out _), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("Unexpected message"));
    }

    [TestCase(0)]
    [TestCase(13)]
    [TestCase(31)]
    [TestCase(255)]
    public void PeekType_UnknownType_IsAProtocolError(int type)
    {
        Assert.That(() => ProtocolCodec.PeekType([(byte)type, 1, 2]), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("unknown message type"));
    }

    [Test]
    public void Decode_RandomTruncationsBitFlipsAndAppendedBytesOfEveryMessage_ThrowOnlyProtocolErrors()
    {
        var random = new Random(43);
        byte[][] messages = [.. FixedLengthMessages(random), .. MessagesWithOptionalTails(random)];
        var unexpected = new List<string>();
        var rejected = 0;
        for (var trial = 0; trial < 20_000; trial++)
        {
            var original = messages[trial % messages.Length];
            var bytes = Mutate(random, original);
            try
            {
                DecodeAsAReceiverWould(bytes);
            }
            catch (LedgerSyncProtocolException)
            {
                rejected++;
            }
            catch (UnsupportedProtocolVersionException) when (bytes[0] == (byte)ProtocolMessageType.Accepted)
            {
                rejected++;
            }
            catch (Exception ex)
            {
                unexpected.Add($"{ex.GetType().Name} for {Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 40)))}: {ex.Message}");
            }
        }

        Assert.That(unexpected, Is.Empty);
        Assert.That(rejected, Is.GreaterThan(10_000), "most mutations are caught");
    }

    [Test]
    public void Decode_EveryTruncationOfEveryMessage_IsAProtocolError()
    {
        // Messages whose last field is optional (a trace context, an estimator, more IDs) are valid without it, so only
        // the others are here; the random mutations above cover those.
        foreach (var message in FixedLengthMessages(new Random(47)))
        {
            for (var length = 0; length < message.Length; length++)
            {
                var truncated = message[..length];
                Assert.That(() => DecodeAsAReceiverWould(truncated), Throws.InstanceOf<LedgerSyncProtocolException>(),
                    $"{(ProtocolMessageType)message[0]} cut to {length} of {message.Length} bytes");
            }
        }
    }

    /// <summary>A valid message of each kind a version-4 node reads whose every field is required.</summary>
    private static byte[][] FixedLengthMessages(Random random)
    {
        var estimator = new DifferenceEstimator();
        estimator.Toggle(7);
        return
        [
            ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 1300)),
            ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, SketchKey.FromRandom(random), 1300)),
            ProtocolCodec.EncodeRefused(new RefusedMessage(RefusalReason.RateLimited, 30, TimeSpan.FromHours(1))),
            ProtocolCodec.EncodeRefused(new RefusedMessage(RefusalReason.NotReady, Detail: "not ready")),
            ProtocolCodec.EncodeSymbols(300, 250, RandomSymbols(random, 250, 20)),
            ProtocolCodec.EncodeSymbols(2000, 0, RandomSymbols(random, 0, 3)),
            ProtocolCodec.EncodeCredit(5000),
            ProtocolCodec.EncodeDifferenceEstimate(estimator),
            ProtocolCodec.EncodeResult(300, 2, 470, []),
            ProtocolCodec.EncodeResultPart(Ids(random, 1)),
            ProtocolCodec.EncodeAbort(AbortCode.MessageTooLarge, "too large", 20_000_000, 10_485_760),
        ];
    }

    /// <summary>Valid messages whose last field is optional or repeated: a trace context, an estimator, IDs.</summary>
    private static byte[][] MessagesWithOptionalTails(Random random)
    {
        var trace = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        return
        [
            ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 1300, trace)),
            ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, SketchKey.FromRandom(random), 1300, ScriptedPeer.SomeEstimator(5))),
            ProtocolCodec.EncodeCredit(5000, ScriptedPeer.SomeFineEstimator(6)),
            ProtocolCodec.EncodeResult(300, 2, 470, Ids(random, 3)),
            ProtocolCodec.EncodeResultPart(Ids(random, 2)),
        ];
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                return bytes[..random.Next(0, bytes.Length)];
            case 1:
                var flips = random.Next(1, 4);
                for (var i = 0; i < flips; i++)
                {
                    var bit = random.Next(bytes.Length * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                return bytes;
            case 2:
                var extra = new byte[random.Next(1, 40)];
                random.NextBytes(extra);
                return [.. bytes, .. extra];
            default:
                var at = random.Next(1, bytes.Length);
                bytes[at] = (byte)random.Next(256);
                return bytes;
        }
    }

    /// <summary>Reads a message with the decoder its type selects, as the requester and the responder do.</summary>
    private static void DecodeAsAReceiverWould(byte[] bytes)
    {
        switch (ProtocolCodec.PeekType(bytes))
        {
            case ProtocolMessageType.Hello:
                _ = ProtocolCodec.DecodeHello(bytes);
                break;
            case ProtocolMessageType.Accepted:
                _ = ProtocolCodec.DecodeAccepted(bytes, PartyB);
                break;
            case ProtocolMessageType.Refused:
                _ = ProtocolCodec.DecodeRefused(bytes);
                break;
            case ProtocolMessageType.Symbols:
                _ = ProtocolCodec.DecodeSymbols(bytes, 4096, out _, out _);
                break;
            case ProtocolMessageType.Credit:
                _ = ProtocolCodec.DecodeCredit(bytes, out _);
                break;
            case ProtocolMessageType.DifferenceEstimate:
                _ = ProtocolCodec.DecodeDifferenceEstimate(bytes);
                break;
            case ProtocolMessageType.Result:
                _ = ProtocolCodec.DecodeResult(bytes, out _);
                break;
            case ProtocolMessageType.ResultPart:
                _ = ProtocolCodec.DecodeResultPart(bytes);
                break;
            case ProtocolMessageType.Abort:
                _ = ProtocolCodec.DecodeAbort(bytes, out _, out _);
                break;
            default:
                // Done, NextExchange, Granted (version 3): a version-4 node rejects them as unexpected.
                throw new LedgerSyncProtocolException($"Unexpected {(ProtocolMessageType)bytes[0]} message.");
        }
    }

    /// <summary>Random symbols as they travel: an 8-byte sum, and as many checksum bits as their index carries.</summary>
    private static CodedSymbol[] RandomSymbols(Random random, long first, int count)
    {
        var symbols = new CodedSymbol[count];
        for (var i = 0; i < count; i++)
        {
            var mask = first + i < SymbolCodec.FullChecksumSymbols ? ShortSymbolCodec.EarlyChecksumMask : ShortSymbolCodec.LateChecksumMask;
            symbols[i] = new CodedSymbol(new TransactionId((ulong)random.NextInt64(), 0, 0, 0), (uint)random.NextInt64() & mask, 0);
        }

        return symbols;
    }

    private static TransactionId[] Ids(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => TransactionId.Random(random))];

    private static TransactionId[] ReadIds(ReadOnlySpan<byte> bytes)
    {
        var ids = new TransactionId[bytes.Length / TransactionId.Size];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = new TransactionId(bytes.Slice(i * TransactionId.Size, TransactionId.Size));
        }

        return ids;
    }
}
