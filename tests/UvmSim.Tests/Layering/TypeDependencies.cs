using Mono.Cecil;
using Mono.Cecil.Cil;

namespace UvmSim.Tests.Layering;

/// <summary>
/// Reads which types each type of an assembly uses, from its metadata and IL (Mono.Cecil):
/// base types and interfaces, fields, signatures, locals, catch clauses, attributes, and
/// every type, method and field a method body names. What the compiler generates for a type
/// (closures, iterators, async machines) counts as that type's own use.
/// </summary>
internal static class TypeDependencies
{
    /// <summary>The edges of the assembly at <paramref name="path"/>, optionally only from types <paramref name="include"/> accepts.</summary>
    public static List<Dependency> Of(string path, Func<TypeDefinition, bool>? include = null)
    {
        using ModuleDefinition module = ModuleDefinition.ReadModule(path);
        var edges = new HashSet<Dependency>();
        foreach (TypeDefinition type in module.GetTypes())
        {
            if (include is not null && !include(Outermost(type)))
            {
                continue;
            }
            var sink = new Sink(type, edges);
            sink.Add(type.BaseType);
            foreach (InterfaceImplementation i in type.Interfaces)
            {
                sink.Add(i.InterfaceType);
            }
            sink.AddAttributes(type);
            foreach (FieldDefinition f in type.Fields)
            {
                sink.Add(f.FieldType);
                sink.AddAttributes(f);
            }
            foreach (PropertyDefinition p in type.Properties)
            {
                sink.Add(p.PropertyType);
            }
            foreach (MethodDefinition m in type.Methods)
            {
                sink.AddSignature(m);
                sink.AddAttributes(m);
                if (!m.HasBody)
                {
                    continue;
                }
                foreach (VariableDefinition v in m.Body.Variables)
                {
                    sink.Add(v.VariableType);
                }
                foreach (ExceptionHandler h in m.Body.ExceptionHandlers)
                {
                    sink.Add(h.CatchType);
                }
                foreach (Instruction ins in m.Body.Instructions)
                {
                    switch (ins.Operand)
                    {
                        case TypeReference t:
                            sink.Add(t);
                            break;
                        case MethodReference mr:
                            sink.AddSignature(mr);
                            break;
                        case FieldReference fr:
                            sink.Add(fr.DeclaringType);
                            sink.Add(fr.FieldType);
                            break;
                        default:
                            break;
                    }
                }
            }
        }
        return [.. edges];
    }

    private static TypeDefinition Outermost(TypeDefinition t)
    {
        while (t.DeclaringType is not null)
        {
            t = t.DeclaringType;
        }
        return t;
    }

    /// <summary>The namespace a type is declared in (a nested type's is its outermost type's).</summary>
    internal static string NamespaceOf(TypeReference t)
    {
        while (t.DeclaringType is not null)
        {
            t = t.DeclaringType;
        }
        return t.Namespace;
    }

    private sealed class Sink(TypeDefinition from, HashSet<Dependency> edges)
    {
        private readonly string _from = Outermost(from).FullName;
        private readonly string _fromNamespace = NamespaceOf(from);

        public void Add(TypeReference? t)
        {
            switch (t)
            {
                case null:
                case GenericParameter:
                    return;
                case GenericInstanceType g:
                    Add(g.ElementType);
                    foreach (TypeReference a in g.GenericArguments)
                    {
                        Add(a);
                    }
                    return;
                case FunctionPointerType fp:
                    Add(fp.ReturnType);
                    foreach (ParameterDefinition p in fp.Parameters)
                    {
                        Add(p.ParameterType);
                    }
                    return;
                case TypeSpecification spec:
                    Add(spec.ElementType);
                    return;
                default:
                    edges.Add(new Dependency(_from, _fromNamespace, t.FullName, NamespaceOf(t)));
                    return;
            }
        }

        public void AddSignature(MethodReference m)
        {
            Add(m.DeclaringType);
            Add(m.ReturnType);
            foreach (ParameterDefinition p in m.Parameters)
            {
                Add(p.ParameterType);
            }
            if (m is GenericInstanceMethod g)
            {
                foreach (TypeReference a in g.GenericArguments)
                {
                    Add(a);
                }
            }
        }

        public void AddAttributes(ICustomAttributeProvider p)
        {
            foreach (CustomAttribute a in p.CustomAttributes)
            {
                Add(a.AttributeType);
            }
        }
    }
}
