using System.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Sketches;

namespace LedgerSync.Tests.Protocol;

public sealed class ProtocolCodecTests
{
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

    [Test]
    public void DifferenceEstimate_RoundTripsAndRejectsNoCredit()
    {
        var estimator = new DifferenceEstimator();
        estimator.Toggle(42);
        var bytes = ProtocolCodec.EncodeDifferenceEstimate(300, estimator);
        var expected = new byte[DifferenceEstimator.EncodedSize];
        estimator.WriteTo(expected);

        var more = ProtocolCodec.DecodeDifferenceEstimate(bytes, out var decoded);

        Assert.That((more, decoded.ToArray()), Is.EqualTo((300L, expected)));
        Assert.That(() => ProtocolCodec.DecodeDifferenceEstimate(ProtocolCodec.EncodeDifferenceEstimate(0, estimator), out _), Throws.TypeOf<LedgerSyncProtocolException>());
        Assert.That(() => ProtocolCodec.DecodeDifferenceEstimate(bytes.AsSpan(0, bytes.Length - 1), out _), Throws.TypeOf<LedgerSyncProtocolException>());
        Assert.That(ProtocolCodec.DecodeGranted(ProtocolCodec.EncodeGranted(123_456, 99_000)), Is.EqualTo((123_456L, 99_000L)));
    }
}
