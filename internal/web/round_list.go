package web

import (
	"net/http"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/evaluation"
)

// roundListPage lists the evaluation rounds and, for the office, the form
// to open one, prefilled with the deadlines of Điều 5.
type roundListPage struct {
	civil
	Rounds    []evaluation.RoundRecord
	CanManage bool
	// New is the prefilled form: the year and number asked for (?year=,
	// ?no=, ?level=) or the next regular round, with its Điều 5 dates.
	New      evaluation.RoundInput
	Regular  bool
	Upcoming evaluation.Round
}

func (s *Server) roundListData(r *http.Request, p *account.Principal) (*roundListPage, error) {
	ev := s.Evaluation
	rounds, err := ev.ListRounds(r.Context(), p, 0)
	if err != nil {
		return nil, err
	}
	today := ev.Today()
	pg := &roundListPage{Rounds: rounds, CanManage: p.Province(), Upcoming: evaluation.ProvincialRoundFor(today)}
	q := r.URL.Query()
	level := evaluation.Level(q.Get("level"))
	if level != evaluation.LevelMinistry {
		level = evaluation.LevelProvince
	}
	year, _ := strconv.Atoi(q.Get("year"))
	no, _ := strconv.Atoi(q.Get("no"))
	if year == 0 && no == 0 {
		// The next provincial round not yet opened.
		year, no = pg.Upcoming.Year, pg.Upcoming.No
		for taken := true; taken; {
			taken = false
			for _, x := range rounds {
				if x.Level == level && x.Year == year && x.No == no {
					taken = true
				}
			}
			if taken {
				if no++; no > evaluation.RegularRounds {
					year, no = year+1, 1
				}
			}
		}
	}
	if year == 0 {
		year = today.Y
	}
	if no == 0 {
		no = 1
	}
	pg.New = evaluation.RoundInput{Level: level, Year: year, No: no,
		Title: s.Catalog.T(langOf(r), "dossier.round_default_title", no, year)}
	if def, ok := evaluation.RoundDefaults(level, year, no); ok {
		pg.Regular = true
		pg.New.ProposedBefore, pg.New.DecidedBefore = def.ProposedBefore.String(), def.DecidedBefore.String()
	}
	return pg, nil
}

// roundList lists the rounds (everyone who works on dossiers sees their
// deadlines); the office also gets the form to open one.
func (s *Server) roundList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, dossierRoles...)
	if err != nil {
		return err
	}
	pg, err := s.roundListData(r, p)
	if err != nil {
		return err
	}
	return s.page(w, r, "round_list", "dossier.page_rounds", pg)
}

// roundCreate opens a round.
func (s *Server) roundCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	f := r.PostForm
	year, yerr := strconv.Atoi(f.Get("year"))
	no, nerr := strconv.Atoi(f.Get("no"))
	if yerr != nil {
		year = -1 // reported as out of range
	}
	if nerr != nil {
		no = -1
	}
	in := evaluation.RoundInput{Level: evaluation.Level(f.Get("level")), Year: year, No: no, Title: f.Get("title"),
		ProposedBefore: f.Get("proposed_before"), DecidedBefore: f.Get("decided_before")}
	if _, err := s.Evaluation.CreateRound(r.Context(), p, in); err != nil {
		pg, derr := s.roundListData(r, p)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "round_list", "dossier.page_rounds", pg, err)
	}
	return s.redirect(w, r, "/admin/rounds", "dossier.flash_round_created")
}

// roundClose closes a round.
func (s *Server) roundClose(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Evaluation.CloseRound(r.Context(), p, id, formVersion(r)); err != nil {
		pg, derr := s.roundListData(r, p)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "round_list", "dossier.page_rounds", pg, err)
	}
	return s.redirect(w, r, "/admin/rounds", "dossier.flash_round_closed")
}
