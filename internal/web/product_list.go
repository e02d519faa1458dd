package web

import (
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/registry"
)

// ProductPage is one page of products. It is an alias so that list pages
// can embed it under an exported name and the shared pager template still
// reads .Page and .Pages from the page data.
type ProductPage = registry.Page[registry.Product]

type productListPage struct {
	ProductPage
	// Villages offered by the craft-village filter: those of the chosen
	// commune, or all of them while they are few enough for one select.
	Villages []registry.CraftVillage
	// VillagesPartial is true when Villages is not every village: the user
	// picks a commune first to list its villages.
	VillagesPartial bool
}

// maxVillageOptions bounds the villages put in one select, so that a list
// page stays light on a phone.
const maxVillageOptions = 200

// productList lists the products in the user's scope, with filters, search
// (ignoring diacritics) and pages.
func (s *Server) productList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, staff...)
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	village, _ := strconv.ParseInt(strings.TrimSpace(q.Get("village")), 10, 64)
	res, err := s.Registry.ListProducts(ctx, p, registry.ProductFilter{
		Query: q.Get("q"), Category: strings.TrimSpace(q.Get("category")), CommuneCode: q.Get("commune"),
		LegacyDistrict: q.Get("district"), CraftVillageID: max(village, 0), Status: q.Get("status"),
		Page: queryInt(q.Get("page")), PerPage: queryInt(q.Get("per_page")),
	})
	if err != nil {
		return err
	}
	d := productListPage{ProductPage: res}
	vs, err := s.Registry.ListCraftVillages(ctx, registry.VillageFilter{CommuneCode: q.Get("commune"), PerPage: maxVillageOptions})
	if err != nil {
		return err
	}
	d.Villages, d.VillagesPartial = vs.Items, vs.Total > len(vs.Items)
	if d.VillagesPartial && village > 0 && !hasVillage(d.Villages, village) {
		if v, err := s.Registry.CraftVillage(ctx, village); err == nil {
			d.Villages = append([]registry.CraftVillage{v}, d.Villages...)
		}
	}
	return s.page(w, r, "product_list", "product.page_list", d)
}

func hasVillage(vs []registry.CraftVillage, id int64) bool {
	for _, v := range vs {
		if v.ID == id {
			return true
		}
	}
	return false
}

// thumb is an image of the gallery with the size it is shown at, so that
// the page reserves its place before the image arrives (no CSS needed).
type thumb struct {
	registry.Image
	W, H int
}

const thumbWidth = 240

func thumbs(ims []registry.Image) []thumb {
	out := make([]thumb, len(ims))
	for i, im := range ims {
		w, h := im.Width, im.Height
		if w > thumbWidth {
			w, h = thumbWidth, max(1, im.Height*thumbWidth/im.Width)
		}
		out[i] = thumb{im, w, h}
	}
	return out
}

type productShowPage struct {
	Product      registry.Product
	CategoryPath string
	ScorecardSet int
	Images       []thumb
	CanManage    bool
	MaxUploadMB  int64
	History      []account.AuditEntry
}

// productShowData gathers what the product page shows; the image upload
// re-renders the same page with its errors.
func (s *Server) productShowData(r *http.Request, p *account.Principal, x registry.Product) (productShowPage, error) {
	d := productShowPage{Product: x, Images: thumbs(x.Images), CanManage: registry.CanManageProduct(p, x), MaxUploadMB: s.MaxUpload >> 20}
	lang := langOf(r)
	var names []string
	for _, c := range s.Registry.Categories().Path(x.CategoryCode) {
		names = append(names, c.Code+" "+categoryName(c, lang))
		d.ScorecardSet = c.ScorecardSet
	}
	d.CategoryPath = strings.Join(names, " › ")
	if d.CanManage {
		var err error
		d.History, _, err = s.Accounts.ListAudit(r.Context(), account.AuditFilter{Entity: "product", EntityID: itoa64(x.ID), PerPage: 20})
		if err != nil {
			return d, err
		}
	}
	return d, nil
}

// productShow shows one product with its images and change history.
func (s *Server) productShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, staff...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.Registry.Product(r.Context(), p, id)
	if err != nil {
		return err
	}
	d, err := s.productShowData(r, p, x)
	if err != nil {
		return err
	}
	return s.page(w, r, "product_show", "product.page_show", d)
}

func categoryName(c registry.Category, lang string) string {
	if lang == "en" && c.NameEn != "" {
		return c.NameEn
	}
	return c.Name
}
