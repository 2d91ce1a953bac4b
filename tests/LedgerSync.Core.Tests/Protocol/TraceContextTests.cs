using System.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Testing;
using LedgerSync.Transport;

namespace LedgerSync.Tests.Protocol;

public sealed class TraceContextTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");

    [Test]
    public async Task ReconcileAsync_RecordedCurrentActivity_ReachesTheResponderAdmissionAsRemoteParent()
    {
        await using var network = new InMemoryNetwork();
        var (a, admission) = Nodes(network);
        using var source = new ActivitySource("LedgerSync.Tests.TraceContext");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        using (var activity = source.StartActivity("scheduled run")!)
        {
            await a.ReconcileAsync(PartyB);
            var parent = admission.Parents.Single();
            Assert.That(parent, Is.Not.Null);
            Assert.That((parent!.Value.TraceId, parent.Value.SpanId, parent.Value.TraceFlags, parent.Value.IsRemote), Is.EqualTo((activity.TraceId, activity.SpanId, ActivityTraceFlags.Recorded, true)));
        }
    }

    [Test]
    public async Task ReconcileAsync_NoRecordedActivity_SendsTheHelloWithoutTraceContext()
    {
        await using var network = new InMemoryNetwork();
        var (a, admission) = Nodes(network);
        var hellos = new List<int>();
        network.SetInterceptor(m =>
        {
            if (m.From == PartyA && m.Sequence == 0)
            {
                lock (hellos)
                {
                    hellos.Add(m.Payload.Length);
                }
            }

            return InMemoryMessageFate.Deliver;
        });
        using var source = new ActivitySource("LedgerSync.Tests.TraceContext.Unrecorded");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(listener);

        await a.ReconcileAsync(PartyB);
        using (source.StartActivity("not recorded"))
        {
            await a.ReconcileAsync(PartyB);
        }

        Assert.That(admission.Parents, Has.Count.EqualTo(2).And.All.Null);
        Assert.That(hellos, Has.Count.EqualTo(2).And.All.EqualTo(3), "type, version, set size 0");
    }

    private static (ProtocolNode A, RecordingAdmission Admission) Nodes(InMemoryNetwork network)
    {
        var a = new ProtocolNode(network, PartyA);
        var b = new ProtocolNode(network, PartyB);
        var admission = new RecordingAdmission(b.Admission);
        b.UseAdmission(admission);
        return (a, admission);
    }

    private sealed class RecordingAdmission(IIncomingReconciliationAdmission inner) : IIncomingReconciliationAdmission
    {
        public List<ActivityContext?> Parents { get; } = [];

        public ValueTask<IIncomingReconciliation?> TryAdmitAsync(PartyName requester, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the responder passes the hello's trace context");

        public ValueTask<IIncomingReconciliation?> TryAdmitAsync(PartyName requester, ActivityContext? remoteParent, CancellationToken cancellationToken)
        {
            lock (Parents)
            {
                Parents.Add(remoteParent);
            }

            return inner.TryAdmitAsync(requester, cancellationToken);
        }
    }
}
