package fakegen

import "github.com/dave/jennifer/jen"

// api emits the package doc and the service's identity.
func (g *gen) api(f *jen.File) {
	s := g.svc
	f.PackageComment("Package " + g.opts.Package + " is the wire layer of a validating fake of " + s.Title + ",")
	f.PackageComment("generated from " + base(g.opts.SpecName) + " (API version " + s.APIVersion + "): request and")
	f.PackageComment("response types, validation with AWS's messages, defaults, routing of each operation's")
	f.PackageComment("method and path, AWS error encoding, list filters, identifier formats and the Backend")
	f.PackageComment("interface that holds the behaviour.")
	f.Const().Defs(
		jen.Comment("APIVersion is the version of the API the spec describes."),
		jen.Id("APIVersion").Op("=").Lit(s.APIVersion),
		jen.Comment("ServiceID is the AWS service id."),
		jen.Id("ServiceID").Op("=").Lit(s.ServiceID),
		jen.Comment("SigningName is the SigV4 signing name."),
		jen.Id("SigningName").Op("=").Lit(s.SigningName),
		jen.Comment("Protocol is the AWS wire protocol."),
		jen.Id("Protocol").Op("=").Lit(s.Protocol),
	)
}
