package web

import (
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/evaluation"
)

// dossierStep runs one step of the process posted from the dossier page:
// it reads the dossier id and the form's version, runs fn, and redirects
// back with a flash message, or re-renders the page with the reason the
// step was refused.
func (s *Server) dossierStep(w http.ResponseWriter, r *http.Request, flash string,
	fn func(p *account.Principal, id int64, version int) error) error {
	p, err := need(r, dossierRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := fn(p, id, formVersion(r)); err != nil {
		return s.dossierFail(w, r, p, id, err)
	}
	return s.redirect(w, r, "/admin/dossiers/"+itoa64(id), flash)
}

// dossierSubmit files the dossier with the commune.
func (s *Server) dossierSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.dossierStep(w, r, "dossier.flash_submitted", func(p *account.Principal, id int64, v int) error {
		_, err := s.Evaluation.SubmitDossier(r.Context(), p, id, v)
		return err
	})
}

// dossierWithdraw withdraws the dossier.
func (s *Server) dossierWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.dossierStep(w, r, "dossier.flash_withdrawn", func(p *account.Principal, id int64, v int) error {
		_, err := s.Evaluation.WithdrawDossier(r.Context(), p, id, v)
		return err
	})
}

// dossierReturn sends the dossier back for update with the listed items
// (one per line) and a deadline.
func (s *Server) dossierReturn(w http.ResponseWriter, r *http.Request) error {
	return s.dossierStep(w, r, "dossier.flash_returned", func(p *account.Principal, id int64, v int) error {
		in := evaluation.ReturnInput{Items: strings.Split(strings.ReplaceAll(r.PostFormValue("items"), "\r\n", "\n"), "\n"),
			Due: r.PostFormValue("due")}
		_, err := s.Evaluation.ReturnDossier(r.Context(), p, id, v, in)
		return err
	})
}

// dossierReject refuses the dossier with a reason.
func (s *Server) dossierReject(w http.ResponseWriter, r *http.Request) error {
	return s.dossierStep(w, r, "dossier.flash_rejected", func(p *account.Principal, id int64, v int) error {
		_, err := s.Evaluation.RejectDossier(r.Context(), p, id, v, r.PostFormValue("reason"))
		return err
	})
}

// dossierReport saves the commune's Mẫu 03 report.
func (s *Server) dossierReport(w http.ResponseWriter, r *http.Request) error {
	return s.dossierStep(w, r, "dossier.flash_report_saved", func(p *account.Principal, id int64, v int) error {
		f := r.PostForm
		_, err := s.Evaluation.SaveReport(r.Context(), p, id, v, evaluation.Form03{RawMaterials: f.Get("raw_materials"),
			Labour: f.Get("labour"), IdeaOrigin: f.Get("idea_origin"), Identity: f.Get("identity")})
		return err
	})
}

// dossierPropose proposes the dossier to the province with the samples.
func (s *Server) dossierPropose(w http.ResponseWriter, r *http.Request) error {
	return s.dossierStep(w, r, "dossier.flash_proposed", func(p *account.Principal, id int64, v int) error {
		// A count that does not parse is a wrong count: the service
		// says how many it needs, after checking who asks.
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("samples")))
		if err != nil {
			n = -1
		}
		_, err = s.Evaluation.ProposeDossier(r.Context(), p, id, v, n)
		return err
	})
}

// dossierAccept records that the province office found the dossier
// complete.
func (s *Server) dossierAccept(w http.ResponseWriter, r *http.Request) error {
	return s.dossierStep(w, r, "dossier.flash_accepted", func(p *account.Principal, id int64, v int) error {
		_, err := s.Evaluation.AcceptDossier(r.Context(), p, id, v)
		return err
	})
}

// dossierRound assigns the dossier to a round the office opened.
func (s *Server) dossierRound(w http.ResponseWriter, r *http.Request) error {
	return s.dossierStep(w, r, "dossier.flash_round_assigned", func(p *account.Principal, id int64, v int) error {
		// An unreadable round id is 0, which the service reports as an
		// unknown round once it has checked who asks.
		rid, _ := strconv.ParseInt(r.PostFormValue("round"), 10, 64)
		_, err := s.Evaluation.AssignRound(r.Context(), p, id, rid, v)
		return err
	})
}
