using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace LedgerSync.Testing;

/// <summary>
/// Describes the public surface of an assembly as text: one line per visible type and per public or protected member,
/// with full signatures (C# spellings, nullable annotations, modifiers, constant values). The lines are sorted and
/// independent of each other, so a file of them merges well and compares as a set.
/// </summary>
/// <remarks>Used with <see cref="PublicApiFile"/> to track the surface of each shipping package (PublicApiAnalyzers are not available here).</remarks>
public static class PublicApiSurface
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void",
        [typeof(object)] = "object",
        [typeof(string)] = "string",
        [typeof(bool)] = "bool",
        [typeof(char)] = "char",
        [typeof(byte)] = "byte",
        [typeof(sbyte)] = "sbyte",
        [typeof(short)] = "short",
        [typeof(ushort)] = "ushort",
        [typeof(int)] = "int",
        [typeof(uint)] = "uint",
        [typeof(long)] = "long",
        [typeof(ulong)] = "ulong",
        [typeof(float)] = "float",
        [typeof(double)] = "double",
        [typeof(decimal)] = "decimal",
        [typeof(nint)] = "nint",
        [typeof(nuint)] = "nuint",
    };

    /// <summary>Returns the sorted lines describing every visible type and member of <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<string> Describe(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var nullability = new NullabilityInfoContext();
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetExportedTypes())
        {
            lines.Add(DescribeType(type));
            foreach (var member in type.GetMembers(Declared))
            {
                if (DescribeMember(type, member, nullability) is { } line)
                {
                    lines.Add(line);
                }
            }
        }

        return [.. lines];
    }

    private static string DescribeType(Type type)
    {
        var b = new StringBuilder("public ");
        string kind;
        if (type.IsEnum)
        {
            kind = "enum";
        }
        else if (type.IsInterface)
        {
            kind = "interface";
        }
        else if (typeof(Delegate).IsAssignableFrom(type.BaseType))
        {
            kind = "delegate";
        }
        else if (type.IsValueType)
        {
            kind = (type.GetCustomAttribute<IsReadOnlyAttribute>() is not null ? "readonly " : string.Empty)
                + (type.IsByRefLike ? "ref " : string.Empty) + (IsRecord(type) ? "record struct" : "struct");
        }
        else
        {
            kind = (type.IsAbstract && type.IsSealed ? "static " : type.IsAbstract ? "abstract " : type.IsSealed ? "sealed " : string.Empty)
                + (IsRecord(type) ? "record" : "class");
        }

        b.Append(kind).Append(' ').Append(Name(type, null));
        var bases = new List<string>();
        if (type.IsEnum)
        {
            bases.Add(Name(Enum.GetUnderlyingType(type), null));
        }
        else if (!type.IsValueType && !type.IsInterface && type.BaseType is { } baseType && baseType != typeof(object) && !typeof(Delegate).IsAssignableFrom(baseType))
        {
            bases.Add(Name(baseType, null));
        }

        if (!type.IsEnum && !typeof(Delegate).IsAssignableFrom(type.BaseType))
        {
            bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(i => Name(i, null)).Order(StringComparer.Ordinal));
        }

        if (bases.Count > 0)
        {
            b.Append(" : ").AppendJoin(", ", bases);
        }

        return b.ToString();
    }

    private static string? DescribeMember(Type type, MemberInfo member, NullabilityInfoContext nullability)
    {
        var owner = Name(type, null);
        switch (member)
        {
            case FieldInfo field when IsVisible(field):
                if (type.IsEnum)
                {
                    return field.IsStatic
                        ? $"{owner}.{field.Name} = {Convert.ToString(field.GetRawConstantValue(), CultureInfo.InvariantCulture)}"
                        : null;
                }

                var fieldPrefix = Access(field.IsPublic, field.IsFamily, field.IsFamilyOrAssembly)
                    + (field.IsLiteral ? "const " : (field.IsStatic ? "static " : string.Empty) + (field.IsInitOnly ? "readonly " : string.Empty));
                var constant = field.IsLiteral ? " = " + Literal(field.GetRawConstantValue()) : string.Empty;
                return $"{fieldPrefix}{Name(field.FieldType, nullability.Create(field))} {owner}.{field.Name}{constant}";

            case PropertyInfo property:
                var getter = property.GetMethod is { } g && IsVisible(g) ? g : null;
                var setter = property.SetMethod is { } s && IsVisible(s) ? s : null;
                if (getter is null && setter is null)
                {
                    return null;
                }

                var main = getter ?? setter!;
                var accessors = new StringBuilder("{ ");
                if (getter is not null)
                {
                    accessors.Append(AccessorAccess(main, getter)).Append("get; ");
                }

                if (setter is not null)
                {
                    var init = setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));
                    accessors.Append(AccessorAccess(main, setter)).Append(init ? "init; " : "set; ");
                }

                accessors.Append('}');
                var indexParameters = property.GetIndexParameters();
                var propertyName = indexParameters.Length == 0 ? property.Name : $"this[{Parameters(indexParameters, nullability, false)}]";
                var required = property.GetCustomAttribute<RequiredMemberAttribute>() is not null ? "required " : string.Empty;
                return $"{Access(main.IsPublic, main.IsFamily, main.IsFamilyOrAssembly)}{Modifiers(type, main)}{required}{Name(property.PropertyType, nullability.Create(property))} {owner}.{propertyName} {accessors}";

            case EventInfo @event when @event.AddMethod is { } add && IsVisible(add):
                return $"{Access(add.IsPublic, add.IsFamily, add.IsFamilyOrAssembly)}{Modifiers(type, add)}event {Name(@event.EventHandlerType!, nullability.Create(@event))} {owner}.{@event.Name}";

            case ConstructorInfo constructor when IsVisible(constructor) && !constructor.IsStatic:
                return $"{Access(constructor.IsPublic, constructor.IsFamily, constructor.IsFamilyOrAssembly)}{owner}.{StripArity(type.Name)}({Parameters(constructor.GetParameters(), nullability, false)})";

            case MethodInfo m when IsVisible(m) && (!m.IsSpecialName || m.Name.StartsWith("op_", StringComparison.Ordinal)):
                if (typeof(Delegate).IsAssignableFrom(type.BaseType) && m.Name != "Invoke")
                {
                    return null;
                }

                var generic = m.IsGenericMethodDefinition ? $"<{string.Join(", ", m.GetGenericArguments().Select(a => a.Name))}>{Constraints(m.GetGenericArguments())}" : string.Empty;
                var extension = m.IsDefined(typeof(ExtensionAttribute), false);
                return $"{Access(m.IsPublic, m.IsFamily, m.IsFamilyOrAssembly)}{Modifiers(type, m)}{Name(m.ReturnType, nullability.Create(m.ReturnParameter))} {owner}.{m.Name}{generic}({Parameters(m.GetParameters(), nullability, extension)})";

            case Type nested when nested.IsNestedPublic || nested.IsNestedFamily || nested.IsNestedFamORAssem:
                return null; // Exported nested types get their own type line.

            default:
                return null;
        }
    }

    private static bool IsVisible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static bool IsVisible(FieldInfo field) => field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly;

    private static string Access(bool isPublic, bool isFamily, bool isFamilyOrAssembly) =>
        isPublic ? "public " : isFamily ? "protected " : isFamilyOrAssembly ? "protected internal " : string.Empty;

    private static string AccessorAccess(MethodInfo main, MethodInfo accessor) =>
        main.IsPublic == accessor.IsPublic && main.IsFamily == accessor.IsFamily
            ? string.Empty
            : Access(accessor.IsPublic, accessor.IsFamily, accessor.IsFamilyOrAssembly);

    private static string Modifiers(Type type, MethodInfo method)
    {
        if (method.IsStatic)
        {
            return method.IsAbstract ? "static abstract " : method.IsVirtual ? "static virtual " : "static ";
        }

        if (type.IsInterface)
        {
            return method.IsAbstract ? string.Empty : "virtual ";
        }

        if (method.IsAbstract)
        {
            return "abstract ";
        }

        if (!method.IsVirtual || method.IsFinal && method.GetBaseDefinition() == method)
        {
            return string.Empty;
        }

        var isOverride = method.GetBaseDefinition().DeclaringType != method.DeclaringType;
        return (isOverride ? "override " : "virtual ") + (method.IsFinal ? "sealed " : string.Empty);
    }

    private static string Parameters(ParameterInfo[] parameters, NullabilityInfoContext nullability, bool extension)
    {
        var parts = new List<string>(parameters.Length);
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            var b = new StringBuilder();
            if (i == 0 && extension)
            {
                b.Append("this ");
            }

            if (p.IsDefined(typeof(ParamArrayAttribute), false) || p.IsDefined(typeof(ParamCollectionAttribute), false))
            {
                b.Append("params ");
            }

            var type = p.ParameterType;
            if (type.IsByRef)
            {
                b.Append(p.IsOut ? "out " : p.IsIn ? "in " : "ref ");
            }

            b.Append(Name(type, nullability.Create(p))).Append(' ').Append(p.Name);
            if (p.HasDefaultValue)
            {
                b.Append(" = ").Append(p.DefaultValue is null && type.IsValueType && Nullable.GetUnderlyingType(type) is null ? "default" : Literal(p.DefaultValue));
            }

            parts.Add(b.ToString());
        }

        return string.Join(", ", parts);
    }

    private static string Constraints(Type[] genericArguments)
    {
        var b = new StringBuilder();
        foreach (var argument in genericArguments)
        {
            var constraints = new List<string>();
            var attributes = argument.GenericParameterAttributes;
            if (attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint))
            {
                constraints.Add("struct");
            }
            else if (attributes.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint))
            {
                constraints.Add("class");
            }

            constraints.AddRange(argument.GetGenericParameterConstraints().Where(c => c != typeof(ValueType)).Select(c => Name(c, null)));
            if (attributes.HasFlag(GenericParameterAttributes.DefaultConstructorConstraint) && !attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint))
            {
                constraints.Add("new()");
            }

            if (constraints.Count > 0)
            {
                b.Append(" where ").Append(argument.Name).Append(" : ").AppendJoin(", ", constraints);
            }
        }

        return b.ToString();
    }

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        char c => $"'{c}'",
        bool v => v ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    private static string Name(Type type, NullabilityInfo? info)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!, info);
        }

        if (type.IsArray)
        {
            var element = Name(type.GetElementType()!, info?.ElementType);
            return $"{element}[{new string(',', type.GetArrayRank() - 1)}]{Question(type, info)}";
        }

        if (type.IsPointer)
        {
            return Name(type.GetElementType()!, null) + "*";
        }

        if (type.IsGenericParameter)
        {
            return type.Name + Question(type, info);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying, info?.GenericTypeArguments.FirstOrDefault()) + "?";
        }

        if (Keywords.TryGetValue(type, out var keyword))
        {
            return keyword + Question(type, info);
        }

        var name = type.IsNested ? $"{Name(type.DeclaringType!, null)}.{StripArity(type.Name)}" : $"{type.Namespace}.{StripArity(type.Name)}";
        if (type.IsGenericType)
        {
            // Arguments declared by the enclosing type belong to it; only this type's own are listed here.
            var all = type.GetGenericArguments();
            var own = all.Skip(type.IsNested ? type.DeclaringType!.GetGenericArguments().Length : 0).ToArray();
            if (own.Length > 0)
            {
                var offset = all.Length - own.Length;
                var names = own.Select((a, i) => Name(a, info is not null && info.GenericTypeArguments.Length == all.Length ? info.GenericTypeArguments[offset + i] : null));
                name += $"<{string.Join(", ", names)}>";
            }
        }

        return name + Question(type, info);
    }

    private static string Question(Type type, NullabilityInfo? info) =>
        !type.IsValueType && info is { ReadState: NullabilityState.Nullable } or { ReadState: NullabilityState.Unknown, WriteState: NullabilityState.Nullable }
            ? "?"
            : string.Empty;

    private static string StripArity(string name)
    {
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    private static bool IsRecord(Type type) =>
        type.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance) is not null
        || type.IsValueType && type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null;
}
