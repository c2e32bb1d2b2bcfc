namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// Where a value sits in the file, formatted only when an error is raised (so that a successful load builds no
    /// strings): <c>name</c>, <c>parent.name</c> or <c>parent[index].name</c>.
    /// </summary>
    internal readonly struct FieldName
    {
        private readonly string? _parent;
        private readonly int _index;
        private readonly string _name;

        public FieldName(string name) : this(null, -1, name) { }

        public FieldName(string? parent, int index, string name)
        {
            _parent = parent;
            _index = index;
            _name = name;
        }

        public FieldName Child(string name) => new FieldName(ToString(), -1, name);

        public override string ToString()
        {
            if (_parent is null) return _name;
            string head = _index >= 0 ? _parent + "[" + _index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]" : _parent;
            return _name.Length == 0 ? head : head + "." + _name;
        }
    }
}
