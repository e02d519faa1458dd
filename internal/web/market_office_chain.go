package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/market"
)

// blankStoreRows is how many empty store rows the chain form offers (and
// how many more "more rows" adds): the form works without JavaScript.
const blankStoreRows = 3

// chainForm is the office's page of a retail chain: its details and
// stores (one form) and, for a recorded chain, its listings.
type chainForm struct {
	Chain   *market.Chain // nil when creating
	Name    string
	Website string
	Version int
	Stores  []storeRow
}

// storeRow is one row of the store part of the chain form.
type storeRow struct {
	I           int
	ID          int64
	Name        string
	CommuneCode string
	AddressLine string
	Latitude    string
	Longitude   string
	Remove      bool
	// OtherWard is the name of a stored commune outside Hanoi (the select
	// lists Hanoi's), so that editing keeps it.
	OtherWard string
}

// Action is where the chain form posts.
func (f chainForm) Action() string {
	if f.Chain == nil {
		return "/admin/retail-chains"
	}
	return "/admin/retail-chains/" + itoa64(f.Chain.ID)
}

// addBlank appends n empty store rows.
func (f *chainForm) addBlank(n int) {
	for range n {
		f.Stores = append(f.Stores, storeRow{I: len(f.Stores)})
	}
}

// chainFormOf fills the form from a recorded chain.
func (s *Server) chainFormOf(c *market.Chain) chainForm {
	f := chainForm{Chain: c, Name: c.Name, Website: c.Website, Version: c.Version}
	for _, st := range c.Stores {
		row := storeRow{I: len(f.Stores), ID: st.ID, Name: st.Name, CommuneCode: st.CommuneCode, AddressLine: st.AddressLine,
			Latitude: strconv.FormatFloat(st.Latitude, 'f', -1, 64), Longitude: strconv.FormatFloat(st.Longitude, 'f', -1, 64)}
		s.markOtherWard(&row)
		f.Stores = append(f.Stores, row)
	}
	f.addBlank(1)
	return f
}

// markOtherWard names the row's commune when the Hanoi list lacks it.
func (s *Server) markOtherWard(row *storeRow) {
	if w, ok := s.Registry.Units().Ward(row.CommuneCode); ok && w.ProvinceCode != "01" {
		row.OtherWard = w.FullName
	}
}

// chainInput reads the chain form: the rows kept as posted (for showing
// the form again), the input for the service, and for each input store
// the row it came from. Blank rows and rows marked for removal are left
// out of the input.
func (s *Server) chainInput(r *http.Request, c *market.Chain) (chainForm, market.ChainInput, []int, apperr.Errs) {
	var errs apperr.Errs
	pf := r.PostForm
	f := chainForm{Chain: c, Name: pf.Get("name"), Website: pf.Get("website")}
	f.Version = officeVersion(&errs, r)
	in := market.ChainInput{Name: f.Name, Website: f.Website, Version: f.Version}
	var from []int
	for i := range formRows(r) {
		get := func(k string) string { return strings.TrimSpace(pf.Get(fmt.Sprintf("store_%s_%d", k, i))) }
		row := storeRow{I: i, Name: get("name"), CommuneCode: get("commune_code"), AddressLine: get("address_line"),
			Latitude: get("latitude"), Longitude: get("longitude"), Remove: get("remove") != ""}
		if id := formID(&errs, fmt.Sprintf("store_name_%d", i), get("id")); id != nil {
			row.ID = *id
		}
		s.markOtherWard(&row)
		f.Stores = append(f.Stores, row)
		if row.Remove || (row.ID == 0 && row.Name == "" && row.AddressLine == "" && row.Latitude == "" && row.Longitude == "") {
			continue
		}
		st := market.ChainStoreInput{ID: row.ID, Name: row.Name, CommuneCode: row.CommuneCode, AddressLine: row.AddressLine}
		st.Latitude = formFloat(&errs, fmt.Sprintf("store_latitude_%d", i), row.Latitude)
		st.Longitude = formFloat(&errs, fmt.Sprintf("store_longitude_%d", i), row.Longitude)
		in.Stores = append(in.Stores, st)
		from = append(from, i)
	}
	return f, in, from, errs
}

// marketOfficeChainList lists the retail chains for the office.
func (s *Server) marketOfficeChainList(w http.ResponseWriter, r *http.Request) error {
	if _, err := needOffice(r); err != nil {
		return err
	}
	items, err := s.Market.Chains(r.Context())
	if err != nil {
		return err
	}
	return s.page(w, r, "market_office_chains", "market.office_chains", items)
}

// marketOfficeChainNew shows the empty chain form.
func (s *Server) marketOfficeChainNew(w http.ResponseWriter, r *http.Request) error {
	if _, err := needOffice(r); err != nil {
		return err
	}
	var f chainForm
	f.addBlank(blankStoreRows)
	return s.page(w, r, "market_office_chain", "market.office_chain_new", f)
}

// saveChain handles a posted chain form: "more" shows it again with more
// blank store rows; otherwise the chain is created or changed and the
// browser goes to its page. Refusals show the form again as posted.
func (s *Server) saveChain(w http.ResponseWriter, r *http.Request, c *market.Chain) error {
	p, err := needOffice(r)
	if err != nil {
		return err
	}
	if err := parseOfficeForm(r); err != nil {
		return err
	}
	title := "market.office_chain_new"
	if c != nil {
		title = "market.office_chain"
	}
	f, in, from, errs := s.chainInput(r, c)
	if r.PostForm.Get("action") == "more" {
		f.addBlank(blankStoreRows)
		return s.page(w, r, "market_office_chain", title, f)
	}
	if err := errs.Err(); err != nil {
		return s.formError(w, r, "market_office_chain", title, f, err)
	}
	var saved market.Chain
	if c == nil {
		saved, err = s.Market.CreateChain(r.Context(), p, in)
	} else {
		saved, err = s.Market.UpdateChain(r.Context(), p, c.ID, in)
	}
	if err != nil {
		return s.formError(w, r, "market_office_chain", title, f, rowFields(err, "stores", "store", from))
	}
	return s.redirect(w, r, "/admin/retail-chains/"+itoa64(saved.ID), "flash.saved")
}

// marketOfficeChainCreate records a chain from the form.
func (s *Server) marketOfficeChainCreate(w http.ResponseWriter, r *http.Request) error {
	return s.saveChain(w, r, nil)
}

// officeChain loads the {id} chain for the office.
func (s *Server) officeChain(r *http.Request) (market.Chain, *account.Principal, error) {
	p, err := needOffice(r)
	if err != nil {
		return market.Chain{}, nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return market.Chain{}, nil, err
	}
	c, err := s.Market.Chain(r.Context(), id)
	return c, p, err
}

// marketOfficeChainShow is the chain's form with its listings.
func (s *Server) marketOfficeChainShow(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.officeChain(r)
	if err != nil {
		return err
	}
	return s.page(w, r, "market_office_chain", "market.office_chain", s.chainFormOf(&c))
}

// marketOfficeChainUpdate saves the chain form (optimistic locking).
func (s *Server) marketOfficeChainUpdate(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.officeChain(r)
	if err != nil {
		return err
	}
	return s.saveChain(w, r, &c)
}

// chainDelete describes the deletion of a chain.
func (s *Server) chainDelete(r *http.Request, c market.Chain) officeDelete {
	return officeDelete{Kind: "chain", Name: c.Name, Action: "/admin/retail-chains/" + itoa64(c.ID) + "/delete",
		Back: "/admin/retail-chains/" + itoa64(c.ID), Version: c.Version,
		Note: s.Catalog.T(langOf(r), "market.office_delete_chain_note", len(c.Stores), len(c.Listings))}
}

// marketOfficeChainDeleteAsk asks the office to confirm a chain's deletion.
func (s *Server) marketOfficeChainDeleteAsk(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.officeChain(r)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, s.chainDelete(r, c))
}

// marketOfficeChainDelete deletes a chain with its stores and listings.
func (s *Server) marketOfficeChainDelete(w http.ResponseWriter, r *http.Request) error {
	c, p, err := s.officeChain(r)
	if err != nil {
		return err
	}
	return s.deleteSubmitted(w, r, p, c.ID, s.chainDelete(r, c), s.Market.DeleteChain, "/admin/retail-chains")
}

// marketOfficeListingAdd lists a product in the chain or one of its stores.
func (s *Server) marketOfficeListingAdd(w http.ResponseWriter, r *http.Request) error {
	c, p, err := s.officeChain(r)
	if err != nil {
		return err
	}
	if err := parseOfficeForm(r); err != nil {
		return err
	}
	var errs apperr.Errs
	in := market.ListingInput{ProductCode: r.PostForm.Get("product_code")}
	if id := formID(&errs, "store_id", r.PostForm.Get("store_id")); id != nil {
		in.StoreID = *id
	}
	if err = errs.Err(); err == nil {
		err = s.Market.AddListing(r.Context(), p, c.ID, in)
	}
	if err != nil {
		return s.formError(w, r, "market_office_chain", "market.office_chain", s.chainFormOf(&c), err)
	}
	return s.redirect(w, r, "/admin/retail-chains/"+itoa64(c.ID)+"#listings", "flash.saved")
}

// marketOfficeListingRemove takes a product off the chain: the listing in
// every store ("store" 0 or empty) or in one store.
func (s *Server) marketOfficeListingRemove(w http.ResponseWriter, r *http.Request) error {
	c, p, err := s.officeChain(r)
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	if err := parseOfficeForm(r); err != nil {
		return err
	}
	var store *int64
	if v := strings.TrimSpace(r.PostForm.Get("store")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return apperr.New(apperr.NotFound, "err.not_found")
		}
		store = &n
	}
	if err := s.Market.RemoveChainListing(r.Context(), p, c.ID, pid, store); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/retail-chains/"+itoa64(c.ID)+"#listings", "market.office_flash_unlisted")
}
