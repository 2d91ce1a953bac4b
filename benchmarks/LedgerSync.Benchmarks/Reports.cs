using System.Reflection;

namespace LedgerSync.Benchmarks;

/// <summary>Marks a static <c>int Run(string[] args)</c> method as a report sub-command (<c>-- wire</c>, <c>-- graph</c>, ...).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ReportAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Finds the report sub-commands declared with <see cref="ReportAttribute"/>.</summary>
internal static class Reports
{
    public static bool TryGet(string name, out Func<string[], int> report)
    {
        foreach (var type in typeof(Reports).Assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            {
                if (method.GetCustomAttribute<ReportAttribute>() is { } attribute
                    && string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    report = method.CreateDelegate<Func<string[], int>>();
                    return true;
                }
            }
        }

        report = null!;
        return false;
    }
}
