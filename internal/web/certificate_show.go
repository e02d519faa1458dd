package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/evaluation"
)

// certificateShowPage is the back-office page of a certificate: the
// certificate, its product's history, inspections, notices, and for the
// office the revocation and inspection forms.
type certificateShowPage struct {
	certDays
	evaluation.CertificateFile
	Grounds     []string
	Kinds       []string
	Conclusions []string
	// Violation is the latest inspection that found a violation, offered
	// as the conclusion a revocation rests on.
	Violation *evaluation.Inspection
}

// Ministry reports whether only the Ministry revokes the certificate.
func (p *certificateShowPage) Ministry() bool {
	return p.RevocationAuthority == evaluation.AuthorityMinistry
}

// Revocable reports whether the certificate can still be revoked.
func (p *certificateShowPage) Revocable() bool {
	c := p.Certificate
	return c.RevokedOn.IsZero() && c.SupersededBy == 0
}

func (s *Server) certificateShowData(r *http.Request, p *account.Principal, id int64) (*certificateShowPage, error) {
	f, err := s.Evaluation.CertificateFile(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	d := &certificateShowPage{CertificateFile: f, Grounds: evaluation.RevocationGrounds,
		Kinds: evaluation.InspectionKinds, Conclusions: evaluation.InspectionConclusions}
	for i := range f.Inspections {
		if f.Inspections[i].Conclusion == evaluation.ConclusionViolation {
			d.Violation = &f.Inspections[i]
			break
		}
	}
	return d, nil
}

// certificateShow shows one certificate in the back office.
func (s *Server) certificateShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, certificateRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.certificateShowData(r, p, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "certificate_show", "cert.page_show", d)
}
