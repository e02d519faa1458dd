package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// productEditors are the roles that may register products: province and
// commune staff, and producer accounts for their own producers.
var productEditors = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune, account.RoleProducer}

// productInput reads the product form. The craft village comes from the
// select of the producer's commune, or from the id typed for a village
// elsewhere, which wins when given.
func productInput(r *http.Request) (registry.ProductInput, apperr.Errs) {
	var errs apperr.Errs
	f := r.PostForm
	in := registry.ProductInput{
		Code: f.Get("code"), Name: f.Get("name"), NameEn: f.Get("name_en"), CategoryCode: f.Get("category_code"),
		Brand: f.Get("brand"), GTIN: strings.ReplaceAll(f.Get("gtin"), " ", ""), Description: f.Get("description"),
		DescriptionEn: f.Get("description_en"), Ingredients: f.Get("ingredients"), RawMaterialArea: f.Get("raw_material_area"),
		Status: f.Get("status"),
	}
	if id := formID(&errs, "producer_id", f.Get("producer_id")); id != nil {
		in.ProducerID = *id
	}
	if ref := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(f.Get("craft_village_ref")), "#")); ref != "" {
		in.CraftVillageID = formID(&errs, "craft_village_id", ref)
	} else {
		in.CraftVillageID = formID(&errs, "craft_village_id", f.Get("craft_village_id"))
	}
	in.Year = formInt(&errs, "year", f.Get("year"))
	in.Version = formInt(&errs, "version", f.Get("version"))
	return in, errs
}

// categoryOption is a leaf of the classification in the category select.
type categoryOption struct {
	Code, Label string
	Set         int // number of the official scorecard (bộ sản phẩm)
}

// categoryGroup is an <optgroup>: the kind, or the kind and group, of its
// leaves.
type categoryGroup struct {
	Label   string
	Options []categoryOption
}

// leafGroups groups the leaves of the classification under their kind and
// group, in document order, named in lang.
func (s *Server) leafGroups(lang string) []categoryGroup {
	cs := s.Registry.Categories()
	var out []categoryGroup
	idx := map[string]int{}
	for _, c := range cs.Leaves() {
		i, ok := idx[c.ParentCode]
		if !ok {
			var names []string
			for _, a := range cs.Path(c.ParentCode) {
				names = append(names, a.Code+" "+categoryName(a, lang))
			}
			out = append(out, categoryGroup{Label: strings.Join(names, " › ")})
			i = len(out) - 1
			idx[c.ParentCode] = i
		}
		out[i].Options = append(out[i].Options, categoryOption{Code: c.Code, Label: c.Code + " " + categoryName(c, lang), Set: c.ScorecardSet})
	}
	return out
}

type productFormPage struct {
	Product    *registry.Product // nil when creating
	Producer   registry.Producer
	Categories []categoryGroup
	// Villages are the craft villages of the producer's commune, offered
	// first; a village elsewhere is given by its id.
	Villages []registry.CraftVillage
	// Other is the selected village when it is not in Villages.
	Other *registry.CraftVillage
	Year  int
	// CodeExample shows the shape of a code allocated for the producer.
	CodeExample string
}

// productForm gathers what the product form needs for the producer.
func (s *Server) productForm(r *http.Request, x *registry.Product, producer registry.Producer) (productFormPage, error) {
	d := productFormPage{Product: x, Producer: producer, Categories: s.leafGroups(langOf(r)), Year: s.Now().Year()}
	if w, ok := s.Registry.Units().Ward(producer.CommuneCode); ok {
		d.CodeExample = fmt.Sprintf("%s-%s-001-%d", w.ProvinceCode, w.Code, d.Year)
	}
	vs, err := s.Registry.ListCraftVillages(r.Context(), registry.VillageFilter{CommuneCode: producer.CommuneCode, PerPage: maxVillageOptions})
	if err != nil {
		return d, err
	}
	d.Villages = vs.Items
	var cur int64
	if r.PostForm != nil {
		cur, _ = strconv.ParseInt(strings.TrimSpace(r.PostForm.Get("craft_village_id")), 10, 64)
	} else if x != nil && x.CraftVillageID != nil {
		cur = *x.CraftVillageID
	}
	if cur > 0 && !hasVillage(d.Villages, cur) {
		if v, err := s.Registry.CraftVillage(r.Context(), cur); err == nil {
			d.Other = &v
		}
	}
	return d, nil
}

// managedProducer returns the producer of the id if p may add products to it.
func (s *Server) managedProducer(r *http.Request, p *account.Principal, id int64) (registry.Producer, error) {
	x, err := s.Registry.Producer(r.Context(), p, id)
	if err != nil {
		return x, err
	}
	if !registry.CanManageProducer(p, x) {
		return x, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return x, nil
}

// productNew shows the product form for ?producer=ID; without it, the user
// first picks one of the producers in their scope.
func (s *Server) productNew(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, productEditors...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	id, _ := strconv.ParseInt(strings.TrimSpace(q.Get("producer")), 10, 64)
	if id <= 0 && p.Is(account.RoleProducer) && len(p.Producers) == 1 {
		id = p.Producers[0]
	}
	if id <= 0 {
		res, err := s.Registry.ListProducers(r.Context(), p, registry.ProducerFilter{Query: q.Get("q"), Page: queryInt(q.Get("page"))})
		if err != nil {
			return err
		}
		return s.page(w, r, "product_pick", "product.page_pick", res)
	}
	producer, err := s.managedProducer(r, p, id)
	if err != nil {
		return err
	}
	d, err := s.productForm(r, nil, producer)
	if err != nil {
		return err
	}
	return s.page(w, r, "product_form", "product.page_new", d)
}

// productCreate registers a product.
func (s *Server) productCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, productEditors...)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	in, errs := productInput(r)
	if in.ProducerID == 0 {
		return apperr.New(apperr.Invalid, "product.err_producer_required")
	}
	producer, err := s.managedProducer(r, p, in.ProducerID)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		d, derr := s.productForm(r, nil, producer)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "product_form", "product.page_new", d, err)
	}
	if err := errs.Err(); err != nil {
		return fail(err)
	}
	x, err := s.Registry.CreateProduct(r.Context(), p, in)
	if err != nil {
		return fail(err)
	}
	return s.redirect(w, r, "/admin/products/"+itoa64(x.ID), "flash.saved")
}

// editableProduct returns the product of the {id} path if p may change it.
func (s *Server) editableProduct(r *http.Request, p *account.Principal) (registry.Product, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return registry.Product{}, err
	}
	x, err := s.Registry.Product(r.Context(), p, id)
	if err != nil {
		return x, err
	}
	if !registry.CanManageProduct(p, x) {
		return x, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return x, nil
}

// productEdit shows the product form filled in.
func (s *Server) productEdit(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, productEditors...)
	if err != nil {
		return err
	}
	x, err := s.editableProduct(r, p)
	if err != nil {
		return err
	}
	producer, err := s.Registry.Producer(r.Context(), p, x.ProducerID)
	if err != nil {
		return err
	}
	d, err := s.productForm(r, &x, producer)
	if err != nil {
		return err
	}
	return s.page(w, r, "product_form", "product.page_edit", d)
}

// productUpdate saves the product form; the hidden version makes a second
// save of a stale form a conflict instead of a silent overwrite.
func (s *Server) productUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, productEditors...)
	if err != nil {
		return err
	}
	x, err := s.editableProduct(r, p)
	if err != nil {
		return err
	}
	producer, err := s.Registry.Producer(r.Context(), p, x.ProducerID)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	fail := func(err error) error {
		d, derr := s.productForm(r, &x, producer)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "product_form", "product.page_edit", d, err)
	}
	in, errs := productInput(r)
	if err := errs.Err(); err != nil {
		return fail(err)
	}
	if _, err := s.Registry.UpdateProduct(r.Context(), p, x.ID, in); err != nil {
		return fail(err)
	}
	return s.redirect(w, r, "/admin/products/"+itoa64(x.ID), "flash.saved")
}
