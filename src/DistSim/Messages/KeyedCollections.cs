using System.Collections;
using System.Collections.Specialized;
using System.Reflection;

namespace DistSim.Messages;

/// <summary>
/// A keyed (hash-based or comparer-based) BCL collection, after a field-by-field copy: its buckets were cloned from the
/// original's, so a copied key whose hash code is its identity (or holds an object hashed by identity) may no longer be
/// found. <see cref="Check"/> asks the copy to find each of its keys that the original finds; if it cannot, a collection
/// that enumerates in insertion order (Dictionary, HashSet, OrderedDictionary, and classes deriving from them) is rebuilt
/// in place in that order, and any other is refused: its order follows the hash codes, so no copy can enumerate as the
/// original does.
/// </summary>
internal abstract class KeyedCollections
{
    /// <summary>Whether a rebuild keeps the enumeration order (insertion order, not hash order).</summary>
    public abstract bool Rebuildable { get; }

    /// <summary>The adapter for a runtime type, or null when it has no keys, or keys that a copy cannot change (plain data).</summary>
    public static KeyedCollections? For(Type type)
    {
        if (!TypeRules.IsBcl(type) && TypeRules.CollectionBase(type) is null)
        {
            return null;
        }

        for (Type? b = type; b is not null; b = b.BaseType)
        {
            if (b == typeof(OrderedDictionary))
            {
                return new SpecializedOrdered();
            }

            if (b.IsGenericType && TypeRules.IsBcl(b))
            {
                Type def = b.GetGenericTypeDefinition();
                Type[] args = b.GetGenericArguments();
                if (def == typeof(Dictionary<,>) || def == typeof(OrderedDictionary<,>))
                {
                    return Make(def == typeof(Dictionary<,>) ? typeof(DictionaryFamily<,>) : typeof(OrderedFamily<,>), args);
                }

                if (def == typeof(HashSet<>))
                {
                    return Make(typeof(HashSetFamily<>), args);
                }
            }
        }

        foreach (Type i in type.GetInterfaces())
        {
            if (i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            {
                return Make(typeof(ReadOnlyDictionaryFamily<,>), i.GetGenericArguments());
            }

            if (i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IReadOnlySet<>) || i.GetGenericTypeDefinition() == typeof(ISet<>)))
            {
                return Make(typeof(ReadOnlySetFamily<>), i.GetGenericArguments());
            }
        }

        return typeof(IDictionary).IsAssignableFrom(type) ? new NonGeneric() : null;
    }

    /// <summary>
    /// After the copy is complete: keeps it when it finds each key whose original the original finds (or none of its keys
    /// was copied), else rebuilds it when it can, and otherwise refuses it (<see cref="MessageRefusalReason.InconsistentCollection"/>).
    /// A key changed after it was added, which the original no longer finds either, stays as it is: the copy behaves alike.
    /// </summary>
    public void Check(object original, object copy, Copier copier)
    {
        if (!KeysCopied(original, copy) || FindsWhatTheOriginalFinds(original, copy))
        {
            return;
        }

        if (!Rebuildable)
        {
            throw copier.Refuse(MessageRefusalReason.InconsistentCollection,
                "the copy cannot find its own keys: they hash differently from the originals (they are, or hold, objects hashed by identity), "
                + "and this collection enumerates in hash order, so no rebuilt copy would enumerate as the original does; give the keys value equality, or use a Dictionary");
        }

        if (!Rebuild(copy))
        {
            throw copier.Refuse(MessageRefusalReason.InconsistentCollection, EqualKeys);
        }
    }

    /// <summary>The explanation when two keys (or set elements) are now equal under the comparer: a rebuilt copy would hold fewer.</summary>
    public const string EqualKeys = "two of its keys are equal under its comparer (they changed after they were added), so a copy would hold fewer entries than the original";

    protected abstract IEnumerable Keys(object collection);

    protected abstract bool Contains(object collection, object? key);

    /// <summary>Clears the copy and adds its entries back in their enumeration order; false when two keys are now equal.</summary>
    protected virtual bool Rebuild(object copy) => throw new NotSupportedException();

    private static KeyedCollections? Make(Type family, Type[] args) =>
        TypeFacts.Of(args[0]).IsPlainData ? null : (KeyedCollections)Activator.CreateInstance(family.MakeGenericType(args))!;

    private bool KeysCopied(object original, object copy)
    {
        IEnumerator a = Keys(original).GetEnumerator();
        IEnumerator b = Keys(copy).GetEnumerator();
        while (a.MoveNext() && b.MoveNext())
        {
            if (!ReferenceEquals(a.Current, b.Current) && !(a.Current?.GetType() is { IsValueType: true } t && TypeFacts.Of(t).IsPlainData))
            {
                return true;
            }
        }

        return false;
    }

    private bool FindsWhatTheOriginalFinds(object original, object copy)
    {
        IEnumerator a = Keys(original).GetEnumerator();
        IEnumerator b = Keys(copy).GetEnumerator();
        while (a.MoveNext() && b.MoveNext())
        {
            if (!Contains(copy, b.Current) && Contains(original, a.Current))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class DictionaryFamily<TKey, TValue> : KeyedCollections
        where TKey : notnull
    {
        public override bool Rebuildable => true;

        protected override IEnumerable Keys(object collection) => ((Dictionary<TKey, TValue>)collection).Keys;

        protected override bool Contains(object collection, object? key) => ((Dictionary<TKey, TValue>)collection).ContainsKey((TKey)key!);

        protected override bool Rebuild(object copy)
        {
            var d = (Dictionary<TKey, TValue>)copy;
            KeyValuePair<TKey, TValue>[] entries = [.. d];
            d.Clear();
            return Array.TrueForAll(entries, e => d.TryAdd(e.Key, e.Value));
        }
    }

    private sealed class OrderedFamily<TKey, TValue> : KeyedCollections
        where TKey : notnull
    {
        public override bool Rebuildable => true;

        protected override IEnumerable Keys(object collection) => ((OrderedDictionary<TKey, TValue>)collection).Keys;

        protected override bool Contains(object collection, object? key) => ((OrderedDictionary<TKey, TValue>)collection).ContainsKey((TKey)key!);

        protected override bool Rebuild(object copy)
        {
            var d = (OrderedDictionary<TKey, TValue>)copy;
            KeyValuePair<TKey, TValue>[] entries = [.. d];
            d.Clear();
            return Array.TrueForAll(entries, e => d.TryAdd(e.Key, e.Value));
        }
    }

    private sealed class HashSetFamily<T> : KeyedCollections
    {
        public override bool Rebuildable => true;

        protected override IEnumerable Keys(object collection) => (HashSet<T>)collection;

        protected override bool Contains(object collection, object? key) => ((HashSet<T>)collection).Contains((T)key!);

        protected override bool Rebuild(object copy)
        {
            var s = (HashSet<T>)copy;
            T[] items = [.. s];
            s.Clear();
            return Array.TrueForAll(items, s.Add);
        }
    }

    /// <summary>
    /// Enumerates its ArrayList of entries (insertion order) and looks keys up in an internal Hashtable: the Hashtable is
    /// rebuilt from the entries (directly, so that a read-only instance from <c>AsReadOnly</c> can be rebuilt too).
    /// </summary>
    private sealed class SpecializedOrdered : KeyedCollections
    {
        private static readonly FieldInfo Entries = typeof(OrderedDictionary).GetField("_objectsArray", BindingFlags.Instance | BindingFlags.NonPublic)!;
        private static readonly FieldInfo Table = typeof(OrderedDictionary).GetField("_objectsTable", BindingFlags.Instance | BindingFlags.NonPublic)!;

        public override bool Rebuildable => Entries is not null && Table is not null;

        protected override IEnumerable Keys(object collection) => ((OrderedDictionary)collection).Keys;

        protected override bool Contains(object collection, object? key) => ((OrderedDictionary)collection).Contains(key!);

        protected override bool Rebuild(object copy)
        {
            if (Table.GetValue(copy) is not Hashtable table || Entries.GetValue(copy) is not ArrayList entries)
            {
                return true; // nothing added yet: both are created on first use
            }

            table.Clear();
            foreach (DictionaryEntry e in entries)
            {
                if (table.ContainsKey(e.Key))
                {
                    return false;
                }

                table.Add(e.Key, e.Value);
            }

            return true;
        }
    }

    private sealed class ReadOnlyDictionaryFamily<TKey, TValue> : KeyedCollections
    {
        public override bool Rebuildable => false;

        protected override IEnumerable Keys(object collection) => ((IReadOnlyDictionary<TKey, TValue>)collection).Keys;

        protected override bool Contains(object collection, object? key) => ((IReadOnlyDictionary<TKey, TValue>)collection).ContainsKey((TKey)key!);
    }

    private sealed class ReadOnlySetFamily<T> : KeyedCollections
    {
        public override bool Rebuildable => false;

        protected override IEnumerable Keys(object collection) => (IEnumerable)collection;

        protected override bool Contains(object collection, object? key) =>
            collection is IReadOnlySet<T> set ? set.Contains((T)key!) : ((ISet<T>)collection).Contains((T)key!);
    }

    private sealed class NonGeneric : KeyedCollections
    {
        public override bool Rebuildable => false;

        protected override IEnumerable Keys(object collection) => ((IDictionary)collection).Keys;

        protected override bool Contains(object collection, object? key) => ((IDictionary)collection).Contains(key!);
    }
}
